"""Agreement mail as the real SMTP server on loopback receives it, one test per kind of notice.

Short (one-year) Stenungsund agreements on the injected clock: the board's decision, the follow-up
reminder, a held payment, the renewal dialogue, the three-months escalation, a decline, a renewal,
an early termination with its repayment claim, and a second party organisation.
"""

from __future__ import annotations

from sqlalchemy import select

from app.i18n.formats import sek
from app.models import Case, Notification
from app.services import Services
from tests.conftest import ORG_B
from tests.notifications.conftest import BOARD, FINANCE, OFFICER, ORG, ORG_USER, SmtpServer
from tests.stenungsund import steps

ONE_YEAR = dict(steps.PLAN, period_start="2026-01-01", period_years=1)


def _subjects(smtp: SmtpServer, address: str, starting: str) -> list[str]:
    return [s for s in smtp.inbox.to(address) if s.startswith(starting)]


def _body(smtp: SmtpServer, address: str, starting: str) -> str:
    [item] = [r for r in smtp.inbox.items if address in r.recipients
              and str(r.message["Subject"]).startswith(starting)]
    return str(item.message.get_content())


def _sent(services: Services, kind: str) -> dict[str, Notification]:
    with services.unit_of_work() as s:
        rows = list(s.scalars(select(Notification).where(Notification.kind == kind)))
        s.expunge_all()
    assert all(r.sent_at is not None and r.error is None for r in rows)
    return {r.recipient: r for r in rows}


def _reg(services: Services, case_id: int) -> str:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.registration_number


def _to_renewal(services: Services) -> int:
    """A one-year agreement (2026) paid in January; the renewal dialogue opens 2026-03-31."""
    case_id = steps.to_decision(services, plan=ONE_YEAR)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    return case_id


def test_board_decision_reaches_the_organisation(services: Services, staff: SmtpServer) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2025-11-20")  # the sweep delivers what the decision queued
    subject = f"Beslut: kommunen ingår överenskommelsen ({_reg(services, case_id)})"
    assert _subjects(staff, ORG, "Beslut:") == [subject]
    assert _subjects(staff, ORG_USER, "Beslut:") == [subject]
    body = _body(staff, ORG, "Beslut:")
    assert "KS § 123" in body and "2026-01-01 – 2030-12-31" in body and "400\xa0000\xa0kr per år" in body
    assert set(_sent(services, "decision")) == {ORG, ORG_USER}
    assert _subjects(staff, OFFICER, "Beslut:") == []  # decisions go to the parties


def test_every_party_organisation_is_told_of_the_decision(services: Services, staff: SmtpServer) -> None:
    plan = dict(steps.PLAN, parties=[{"name": "Stödcentrum", "org_number": ORG_B}])
    steps.to_decision(services, plan=plan)
    steps.advance(services, "2025-11-20")
    assert _subjects(staff, "b@example.org", "Beslut: kommunen ingår") != []
    assert _subjects(staff, ORG, "Beslut: kommunen ingår") != []


def test_missing_follow_up_reminds_the_organisation(services: Services, staff: SmtpServer) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    assert _subjects(staff, ORG, "Påminnelse: redogörelsen") == []
    steps.advance(services, "2026-12-01")  # the report's last day has come without a report
    reg = _reg(services, case_id)
    assert _subjects(staff, ORG_USER, "Påminnelse: redogörelsen") == [
        f"Påminnelse: redogörelsen för avtalsår 1 ska lämnas senast 2026-12-01 ({reg})"]
    assert "2027-01-01" in _body(staff, ORG, "Påminnelse: redogörelsen")
    assert set(_sent(services, "follow_up_reminder")) == {ORG, ORG_USER}
    steps.advance(services, "2026-12-02")
    assert len(_subjects(staff, ORG, "Påminnelse: redogörelsen")) == 1  # once


def test_held_payment_tells_the_organisation_and_escalates_to_the_officer(services: Services,
                                                                         staff: SmtpServer) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    steps.advance(services, "2027-01-01")
    reg = _reg(services, case_id)
    assert _subjects(staff, ORG, "Utbetalning innehållen") == [
        f"Utbetalning innehållen: uppföljningen är inte godkänd ({reg})"]
    assert "2027-01-01: 400\xa0000\xa0kr" in _body(staff, ORG_USER, "Utbetalning innehållen")
    assert f"Eskalering: Utbetalningsdagen nådd utan godkänd uppföljning ({reg})" in staff.inbox.to(OFFICER)
    assert set(_sent(services, "payment_held")) == {ORG, ORG_USER}
    assert OFFICER in _sent(services, "escalation")


def test_renewal_dialogue_opening_reaches_the_organisation(services: Services, staff: SmtpServer) -> None:
    case_id = _to_renewal(services)
    reg = _reg(services, case_id)
    assert _subjects(staff, ORG, "Dags för dialog") == [
        f"Dags för dialog om förnyelse: överenskommelsen löper ut 2026-12-31 ({reg})"]
    assert "senast 2026-09-30" in _body(staff, ORG_USER, "Dags för dialog")
    assert f"Ny uppgift: Dialog om ny och reviderad överenskommelse ({reg})" in staff.inbox.to(OFFICER)
    assert set(_sent(services, "renewal_opened")) == {ORG, ORG_USER}


def test_three_months_escalation_reaches_officer_and_board(services: Services, staff: SmtpServer) -> None:
    case_id = _to_renewal(services)
    steps.advance(services, "2026-09-29")
    assert _sent(services, "escalation") == {}
    steps.advance(services, "2026-09-30")
    subject = f"Eskalering: Tre månader före utgång utan beslut ({_reg(services, case_id)})"
    assert subject in staff.inbox.to(OFFICER) and subject in staff.inbox.to(BOARD)
    assert staff.inbox.to(ORG) == [s for s in staff.inbox.to(ORG) if not s.startswith("Eskalering")]
    assert set(_sent(services, "escalation")) == {OFFICER, BOARD}


def test_decline_reaches_the_organisation(services: Services, staff: SmtpServer) -> None:
    case_id = _to_renewal(services)
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-04-10", "participants": "Båda", "minutes": "Kommunen avstår.",
        "renewal_declined_by": "municipality"})
    steps.advance(services, "2026-04-10")
    reg = _reg(services, case_id)
    assert _subjects(staff, ORG, "Besked: överenskommelsen förnyas inte") == [
        f"Besked: överenskommelsen förnyas inte ({reg})"]
    body = _body(staff, ORG_USER, "Besked: överenskommelsen förnyas inte")
    assert "Kommunen har i förnyelsedialogen avstått" in body and "till och med 2026-12-31" in body


def test_renewal_decision_reaches_the_organisation(services: Services, staff: SmtpServer) -> None:
    case_id = _to_renewal(services)
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-04-10", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": True, "renewal_decision_date": "2026-05-20", "renewal_minute_reference": "KS § 45",
        "renewal_yearly_support_sek": 450000, "renewal_years": 3, "renewal_interval": "yearly"})
    steps.advance(services, "2026-05-20")
    reg = _reg(services, case_id)
    assert _subjects(staff, ORG, "Beslut: överenskommelsen förnyas") == [
        f"Beslut: överenskommelsen förnyas från 2027-01-01 ({reg})"]
    body = _body(staff, ORG_USER, "Beslut: överenskommelsen förnyas")
    assert "KS § 45" in body and "450\xa0000\xa0kr per år" in body and "3 år" in body


def test_termination_and_settled_claim_reach_organisation_and_finance(services: Services,
                                                                      staff: SmtpServer) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.terminate(services, case_id, "2026-07-01", "Verksamheten upphör.")
    steps.advance(services, "2026-07-01")
    reg = _reg(services, case_id)
    subject = f"Beslut: överenskommelsen avslutas i förtid 2026-07-01 ({reg})"
    assert _subjects(staff, ORG, "Beslut: överenskommelsen avslutas") == [subject]
    assert _subjects(staff, FINANCE, "Beslut: överenskommelsen avslutas") == [subject]
    claim = steps.agreement(services, case_id).claim
    assert claim is not None and claim.amount_sek > 0
    body = _body(staff, ORG_USER, "Beslut: överenskommelsen avslutas")
    assert "Verksamheten upphör." in body and sek(claim.amount_sek) in body
    steps.complete(services, case_id, "record_repayment", {"repaid_sek": claim.amount_sek,
                                                           "received_on": "2026-08-01"})
    steps.advance(services, "2026-08-01")
    assert _subjects(staff, ORG, "Återbetalningen är reglerad") == [f"Återbetalningen är reglerad ({reg})"]
    assert _subjects(staff, FINANCE, "Återbetalningen är reglerad") != []
