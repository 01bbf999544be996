"""Whole agreements on the injected clock: payments, follow-ups, holds, renewal, termination."""

from __future__ import annotations

from typing import Any

from app.services import Services
from tests.stenungsund import steps
from tests.stenungsund.timer_shim import advance


def _statuses(services: Services, case_id: int) -> dict[str, str]:
    row = steps.agreement(services, case_id)
    return {f"v{p.version}-{p.due.isoformat()}": p.status for p in row.payments}


def _follow_up(services: Services, case_id: int, data: dict[str, Any] | None = None) -> None:
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", data or steps.APPROVE)


def test_yearly_payments_follow_ups_hold_and_end(services: Services, people: Any) -> None:
    case_id = steps.to_decision(services)
    advance(services, "2025-12-31")
    assert "pay" not in steps.names(services, case_id)
    advance(services, "2026-01-01")
    assert steps.names(services, case_id) == ["pay"]
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    assert _statuses(services, case_id)["v1-2026-01-01"] == "paid"
    advance(services, "2026-10-31")
    assert steps.names(services, case_id) == []
    advance(services, "2026-11-01")  # follow-up for year 1 opens two months before the anniversary
    assert steps.names(services, case_id) == ["report"]
    advance(services, "2026-12-01")  # due: reminder
    assert [n["kind"] for n in steps.agreement(services, case_id).notices] == ["follow_up_reminder"]
    advance(services, "2027-01-01")  # payment day without an approved follow-up: held, officer escalated
    assert _statuses(services, case_id)["v1-2027-01-01"] == "held"
    assert steps.names(services, case_id) == ["escalate_hold", "report"]
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.RETURN)
    assert "report" in steps.names(services, case_id)
    _follow_up(services, case_id)
    assert _statuses(services, case_id)["v1-2027-01-01"] == "released"
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    assert _statuses(services, case_id)["v1-2027-01-01"] == "paid"
    steps.complete(services, case_id, "escalate_hold", {"action_taken": "Ringde föreningen."})
    for year in (2027, 2028, 2029):
        advance(services, f"{year}-11-01")
        _follow_up(services, case_id)
        advance(services, f"{year + 1}-01-01")
        steps.complete(services, case_id, "pay", steps.PAYMENT)
    advance(services, "2030-03-30")
    assert "renewal_dialogue" not in steps.names(services, case_id)
    advance(services, "2030-03-31")  # nine months before 2030-12-31
    assert "renewal_dialogue" in steps.names(services, case_id)
    advance(services, "2030-09-30")  # three months before: escalate to officer and board
    assert {"escalate_officer", "escalate_board"} <= set(steps.names(services, case_id))
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2030-10-01", "participants": "Båda", "minutes": "Kyrkan avstår.",
        "renewal_declined_by": "organisation"})
    for name in ("escalate_officer", "escalate_board"):
        steps.complete(services, case_id, name, {"action_taken": "Noterat."})
    advance(services, "2030-11-01")
    _follow_up(services, case_id)
    advance(services, "2031-01-01")
    with services.unit_of_work() as s:
        from app.models import Case

        case = s.get(Case, case_id)
        assert case is not None and (case.status, case.outcome) == ("completed", "ended")
    assert set(_statuses(services, case_id).values()) == {"paid"}
    assert steps.agreement(services, case_id).status == "ended"


def test_quarterly_renewal_into_second_period_then_termination(services: Services, people: Any) -> None:
    plan = dict(steps.PLAN, period_start="2023-03-01", period_years=5)
    case_id = steps.to_decision(services, plan=plan, decision=dict(steps.DECISION, payment_interval="quarterly"),
                                today="2023-02-01")
    row = steps.agreement(services, case_id)
    assert row.periods[0].end.isoformat() == "2028-02-29"
    advance(services, "2023-03-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    advance(services, "2023-06-01")
    assert steps.names(services, case_id) == ["pay"]
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    for day in ["2023-09-01", "2023-12-01"]:
        advance(services, day)
        steps.complete(services, case_id, "pay", steps.PAYMENT)
    for year in range(2024, 2028):
        advance(services, f"{year}-01-01")  # follow-up opens (anniversary 1 March minus two months)
        _follow_up(services, case_id)
        for month in ("03-01", "06-01", "09-01", "12-01"):
            advance(services, f"{year}-{month}")
            steps.complete(services, case_id, "pay", steps.PAYMENT)
            if year == 2027 and month == "03-01":
                advance(services, "2027-05-28")
                assert "renewal_dialogue" not in steps.names(services, case_id)
                advance(services, "2027-05-29")  # nine months before 2028-02-29
                steps.complete(services, case_id, "renewal_dialogue", {
                    "meeting_date": "2027-06-01", "participants": "Båda", "minutes": "Vi fortsätter.",
                    "renewal_declined_by": "none"})
                steps.complete(services, case_id, "renewal_decision", {
                    "board_renews": True, "renewal_decision_date": "2027-09-01",
                    "renewal_minute_reference": "KS § 77", "renewal_yearly_support_sek": 450000,
                    "renewal_years": 3, "renewal_interval": "yearly"})
    advance(services, "2028-01-01")
    _follow_up(services, case_id)
    advance(services, "2028-03-01")  # second period starts the day after 2028-02-29
    row = steps.agreement(services, case_id)
    assert row.current_version == 2 and row.periods[1].start.isoformat() == "2028-03-01"
    assert row.periods[1].end.isoformat() == "2031-02-28"
    assert steps.names(services, case_id) == ["pay"]
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.terminate(services, case_id, "2028-09-01", "Verksamheten upphör.")
    row = steps.agreement(services, case_id)
    assert row.status == "terminated" and row.claim is not None
    assert row.claim.amount_sek == round(450000 * 365 / 365 * 181 / 365)  # 2028-09-01..2029-02-28 unused
    assert steps.names(services, case_id) == ["record_repayment"]
    steps.complete(services, case_id, "record_repayment", {"repaid_sek": 100000, "received_on": "2028-10-01"})
    assert steps.agreement(services, case_id).claim.status == "open"  # type: ignore[union-attr]
    steps.complete(services, case_id, "record_repayment", {"repaid_sek": row.claim.amount_sek - 100000,
                                                          "received_on": "2028-11-01"})
    final = steps.agreement(services, case_id)
    assert final.claim is not None and final.claim.status == "settled"
