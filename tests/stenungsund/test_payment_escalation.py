"""An unpaid payment escalates to officer and finance and blocks nothing after it (issue 10).

Before, the pay task sat on the period's only path: one payment left undone stalled every later payment,
follow-up and the period's end, and nobody was told."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.domain.accounts import add_user
from app.models import Case, Notification
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps

QUARTERLY_YEAR = dict(steps.PLAN, period_start="2026-01-01", period_years=1)
QUARTERLY = dict(steps.DECISION, payment_interval="quarterly")


def _staff(services: Services) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 email="handlaggare@stenungsund.example", password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "st_finance", PASSWORD, "finance", municipality="stenungsund",
                 email="ekonomi@stenungsund.example", password_hash=PASSWORD_HASH)


def _escalations(services: Services, case_id: int) -> list[tuple[str, str]]:
    with services.unit_of_work() as s:
        return sorted((n.recipient, n.subject) for n in s.scalars(select(Notification).where(
            Notification.case_id == case_id, Notification.kind == "escalation")))


def _statuses(services: Services, case_id: int) -> dict[str, str]:
    return {p.due.isoformat(): p.status for p in steps.agreement(services, case_id).payments}


def test_unpaid_payment_escalates_and_the_period_still_ends(services: Services, people: Any) -> None:
    _staff(services)
    case_id = steps.to_decision(services, plan=QUARTERLY_YEAR, decision=QUARTERLY)
    steps.advance(services, "2026-01-01")
    assert steps.names(services, case_id) == ["pay"]
    steps.advance(services, "2026-01-10")
    assert _escalations(services, case_id) == []  # not yet overdue
    steps.advance(services, "2026-01-11")  # ten days after the payment date: officer and finance are told
    mails = _escalations(services, case_id)
    assert {r for r, _ in mails} == {"handlaggare@stenungsund.example", "ekonomi@stenungsund.example"}
    assert all("Utbetalningen är försenad" in subject for _, subject in mails)
    notices = steps.agreement(services, case_id).notices
    assert [(n["kind"], n["ref"], n["on"]) for n in notices] == [("payment_overdue", "v1-p01", "2026-01-11")]
    assert steps.names(services, case_id) == ["pay"]  # the task stays open for finance

    steps.advance(services, "2026-04-01")  # the next payment is released although the first is unpaid
    assert steps.names(services, case_id).count("pay") == 2
    assert _statuses(services, case_id)["2026-04-01"] == "released"
    # paying the later one pays that payment, not the older one
    later = [t for t in steps.open_tasks(services, case_id) if t.name == "pay"][-1]
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        services.engine.complete_task(s, case, later.id, None, {"paid_on": "2026-04-02", "payment_reference": "V-2"})
    statuses = _statuses(services, case_id)
    assert (statuses["2026-01-01"], statuses["2026-04-01"]) == ("released", "paid")

    steps.advance(services, "2026-07-01")
    steps.advance(services, "2026-10-01")
    assert _statuses(services, case_id)["2026-10-01"] == "released"
    steps.advance(services, "2026-11-01")  # the follow-up opens on time
    assert "report" in steps.names(services, case_id)
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.APPROVE)
    steps.advance(services, "2027-01-01")  # the period ends with a payment task still open
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None and (case.status, case.outcome) == ("completed", "ended")
    assert steps.names(services, case_id) == []
    assert steps.agreement(services, case_id).status == "ended"


def test_paid_in_time_nobody_is_escalated(services: Services, people: Any) -> None:
    _staff(services)
    case_id = steps.to_decision(services, plan=QUARTERLY_YEAR, decision=QUARTERLY)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    assert _escalations(services, case_id) == []
    assert steps.agreement(services, case_id).notices == []
    assert _statuses(services, case_id)["2026-01-01"] == "paid"


def test_years_ahead_in_one_sweep_every_later_payment_is_released(services: Services, people: Any) -> None:
    """The 2028-2032 stall: a five-year agreement, nobody pays, the clock jumps years at once."""
    _staff(services)
    case_id = steps.to_decision(services, plan=dict(steps.PLAN, period_start="2028-01-01"),
                                decision=dict(steps.DECISION, decision_date="2027-11-20"), today="2027-11-20")
    steps.advance(services, "2028-01-01")
    assert steps.names(services, case_id) == ["pay"]
    steps.advance(services, "2028-10-31")
    assert [n["kind"] for n in steps.agreement(services, case_id).notices] == ["payment_overdue"]
    for year in (2028, 2029, 2030, 2031):  # follow-ups still open and are approved; payments nobody makes
        steps.advance(services, f"{year}-11-01")
        steps.complete(services, case_id, "report", steps.REPORT)
        steps.complete(services, case_id, "review", steps.APPROVE)
    steps.advance(services, "2032-06-01")
    statuses = _statuses(services, case_id)
    assert [statuses[f"{y}-01-01"] for y in range(2028, 2033)] == ["released"] * 5
    assert steps.names(services, case_id).count("pay") == 5
    overdue = [n["ref"] for n in steps.agreement(services, case_id).notices if n["kind"] == "payment_overdue"]
    assert overdue == [f"v1-p0{i}" for i in range(1, 6)]
    steps.advance(services, "2032-11-01")
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.APPROVE)
    steps.advance(services, "2033-01-01")  # the renewal lapsed: the period ends, the open pay tasks close
    assert steps.names(services, case_id) == []
    assert steps.agreement(services, case_id).status == "ended"
