"""Gävle's running agreement on the shared machinery: yearly follow-ups, the renewal decided by the committee into
a second period (with the fresh de minimis declaration), then an early end with the repayment claim settled; a
declined renewal; and a withdrawal during the preparation."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.core.errors import InvalidData
from app.models.state_aid import StateAid
from app.services import Services
from tests.gavle import steps
from tests.stenungsund.steps import advance, agreement, terminate

pytestmark = pytest.mark.slow  # whole-process walks: `make check` leaves them to `make check-all` and CI


def _follow_up(services: Services, case_id: int) -> None:
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.APPROVE)


def test_renewal_into_a_second_period_then_an_early_end_with_repayment(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in steps.PREPARATION:
        steps.complete(services, case_id, name, data)
    _to_the_renewal_dialogue(services, case_id)  # 2028-03-31: nine months before 2028-12-31
    assert "renewal_dialogue" in steps.names(services, case_id)
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2028-04-10", "participants": "Båda parter", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": True, "renewal_decision_date": "2028-05-20", "renewal_minute_reference": "SN § 40",
        "renewal_yearly_support_sek": 320000, "renewal_years": 2, "renewal_interval": "yearly"})
    advance(services, "2028-11-01")
    _follow_up(services, case_id)
    advance(services, "2029-01-01")  # the second period starts with its first payment
    steps.complete(services, case_id, "pay", dict(steps.PAYMENT, paid_on="2029-01-02"))
    row = agreement(services, case_id)
    assert row.current_version == 2
    assert [(p.start.isoformat(), p.end.isoformat(), p.yearly_amount_sek, p.decision_ref) for p in row.periods] == [
        ("2026-01-01", "2028-12-31", 300000, "SN § 88"), ("2029-01-01", "2030-12-31", 320000, "SN § 40")]
    assert [(p.version, p.status) for p in row.payments] == [
        (1, "paid"), (1, "paid"), (1, "paid"), (2, "paid"), (2, "planned")]

    terminate(services, case_id, "2029-07-01", "Verksamheten upphör.")
    row = agreement(services, case_id)
    assert row.status == "terminated" and row.claim is not None
    assert row.claim.amount_sek == round(320000 * 184 / 365)  # 2029-07-01..2029-12-31 of the paid year unused
    assert steps.names(services, case_id) == ["record_repayment"]
    steps.complete(services, case_id, "record_repayment", {"repaid_sek": row.claim.amount_sek,
                                                           "received_on": "2029-08-01"})
    case = steps.case_of(services, case_id)
    assert (case.status, case.outcome) == ("completed", "terminated")
    assert agreement(services, case_id).claim.status == "settled"  # type: ignore[union-attr]


def test_the_committees_renewal_needs_the_fresh_de_minimis_declaration(services: Services, people: Any) -> None:
    """An organisation with economic activity: the renewal decision is refused without the organisation's fresh
    declaration of other aid, and records the new period's aid with it."""
    case_id = steps.start(services)
    for name, data in steps.PREPARATION:
        if name == "economic_plan":
            data = dict(data, economic_activity=True, other_de_minimis=[])
        if name == "committee_decision":
            data = dict(data, eur_rate=11.5)
        steps.complete(services, case_id, name, data)
    _to_the_renewal_dialogue(services, case_id)
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2028-04-10", "participants": "Båda parter", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    renew = {"board_renews": True, "renewal_decision_date": "2028-05-20", "renewal_minute_reference": "SN § 40",
             "renewal_yearly_support_sek": 320000, "renewal_years": 2, "renewal_interval": "yearly",
             "eur_rate": 11.0}
    with pytest.raises(InvalidData) as refused:
        steps.complete(services, case_id, "renewal_decision", renew)
    assert "other_de_minimis_status" in refused.value.fields
    steps.complete(services, case_id, "renewal_decision", dict(renew, other_de_minimis_status="unchanged"))
    with services.unit_of_work() as s:
        assert [(a.decided_on.isoformat(), a.amount_sek) for a in s.scalars(select(StateAid).order_by(StateAid.id))] \
            == [("2025-11-20", 900000), ("2028-05-20", 640000)]


def test_the_committee_declines_the_renewal_and_the_agreement_ends(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in steps.PREPARATION:
        steps.complete(services, case_id, name, data)
    _to_the_renewal_dialogue(services, case_id)
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2028-04-10", "participants": "Båda parter", "minutes": "Vi föreslår en ny period.",
        "renewal_declined_by": "none"})
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": False, "renewal_decision_date": "2028-05-20", "renewal_minute_reference": "SN § 41",
        "renewal_feedback": "Nämnden prioriterar andra insatser."})
    advance(services, "2028-11-01")
    _follow_up(services, case_id)
    advance(services, "2029-01-01")
    case = steps.case_of(services, case_id)
    assert (case.status, case.outcome) == ("completed", "ended")
    assert agreement(services, case_id).status == "ended"


def test_the_organisation_withdraws_during_the_idea_meetings(services: Services, people: Any, api: Any) -> None:
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    steps.complete(services, case_id, "principles", steps.PRINCIPLES)
    steps.complete(services, case_id, "dialogue", steps.MEETING)
    resp = api("org_a").post(f"/api/v1/cases/{case_id}/withdraw", {"reason": "Vi har inte resurser i år."})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["status"], resp.get_json()["outcome"]) == ("completed", "withdrawn")


def _to_the_renewal_dialogue(services: Services, case_id: int) -> None:
    """Three payments and two approved follow-ups, then the clock to the day the renewal dialogue opens."""
    advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    for year in (2026, 2027):
        advance(services, f"{year}-11-01")
        _follow_up(services, case_id)
        advance(services, f"{year + 1}-01-01")
        steps.complete(services, case_id, "pay", steps.PAYMENT)
    advance(services, "2028-03-31")
