"""Whole agreements on the injected clock: payments, follow-ups, holds, renewal, termination."""

from __future__ import annotations

from typing import Any

from app.services import Services
from tests.stenungsund import steps


def _statuses(services: Services, case_id: int) -> dict[str, str]:
    row = steps.agreement(services, case_id)
    return {f"v{p.version}-{p.due.isoformat()}": p.status for p in row.payments}


def _follow_up(services: Services, case_id: int, data: dict[str, Any] | None = None) -> None:
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", data or steps.APPROVE)


def test_yearly_payments_follow_ups_hold_and_end(services: Services, people: Any) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2025-12-31")
    assert "pay" not in steps.names(services, case_id)
    steps.advance(services, "2026-01-01")
    assert steps.names(services, case_id) == ["pay"]
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    assert _statuses(services, case_id)["v1-2026-01-01"] == "paid"
    steps.advance(services, "2026-10-31")
    assert steps.names(services, case_id) == []
    steps.advance(services, "2026-11-01")  # follow-up for year 1 opens two months before the anniversary
    assert steps.names(services, case_id) == ["report"]
    steps.advance(services, "2026-12-01")  # due: reminder
    assert [n["kind"] for n in steps.agreement(services, case_id).notices] == ["follow_up_reminder"]
    steps.advance(services, "2027-01-01")  # payment day without an approved follow-up: held, officer escalated
    assert _statuses(services, case_id)["v1-2027-01-01"] == "held"
    assert steps.names(services, case_id) == ["escalate_hold", "report"]
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.RETURN)
    assert "report" in steps.names(services, case_id)
    _follow_up(services, case_id)
    assert _statuses(services, case_id)["v1-2027-01-01"] == "released"
    assert "escalate_hold" not in steps.names(services, case_id)  # the approval closed the stale escalation
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    assert _statuses(services, case_id)["v1-2027-01-01"] == "paid"
    for year in (2027, 2028, 2029):
        steps.advance(services, f"{year}-11-01")
        _follow_up(services, case_id)
        steps.advance(services, f"{year + 1}-01-01")
        steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2030-03-30")
    assert "renewal_dialogue" not in steps.names(services, case_id)
    steps.advance(services, "2030-03-31")  # nine months before 2030-12-31
    assert "renewal_dialogue" in steps.names(services, case_id)
    steps.advance(services, "2030-09-30")  # three months before: escalate to officer and board
    assert {"escalate_officer", "escalate_board"} <= set(steps.names(services, case_id))
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2030-10-01", "participants": "Båda", "minutes": "Kyrkan avstår.",
        "renewal_declined_by": "organisation"})
    assert steps.names(services, case_id) == []  # the decline closed both escalations
    steps.advance(services, "2030-11-01")
    _follow_up(services, case_id)
    steps.advance(services, "2031-01-01")
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
    steps.advance(services, "2023-03-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2023-06-01")
    assert steps.names(services, case_id) == ["pay"]
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    for day in ["2023-09-01", "2023-12-01"]:
        steps.advance(services, day)
        steps.complete(services, case_id, "pay", steps.PAYMENT)
    for year in range(2024, 2028):
        steps.advance(services, f"{year}-01-01")  # follow-up opens (anniversary 1 March minus two months)
        _follow_up(services, case_id)
        for month in ("03-01", "06-01", "09-01", "12-01"):
            steps.advance(services, f"{year}-{month}")
            steps.complete(services, case_id, "pay", steps.PAYMENT)
            if year == 2027 and month == "03-01":
                steps.advance(services, "2027-05-28")
                assert "renewal_dialogue" not in steps.names(services, case_id)
                steps.advance(services, "2027-05-29")  # nine months before 2028-02-29
                steps.complete(services, case_id, "renewal_dialogue", {
                    "meeting_date": "2027-06-01", "participants": "Båda", "minutes": "Vi fortsätter.",
                    "renewal_declined_by": "none"})
                steps.complete(services, case_id, "renewal_decision", {
                    "board_renews": True, "renewal_decision_date": "2027-09-01",
                    "renewal_minute_reference": "KS § 77", "renewal_yearly_support_sek": 450000,
                    "renewal_years": 3, "renewal_interval": "yearly"})
    steps.advance(services, "2028-01-01")
    _follow_up(services, case_id)
    steps.advance(services, "2028-03-01")  # second period starts the day after 2028-02-29
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


ONE_YEAR = dict(steps.PLAN, period_start="2026-01-01", period_years=1)


def _case(services: Services, case_id: int) -> tuple[str, str | None]:
    from app.models import Case

    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.status, case.outcome


def test_unhandled_escalations_do_not_keep_the_period_from_ending(services: Services, people: Any) -> None:
    case_id = steps.to_decision(services, plan=ONE_YEAR)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")  # nine months before 2026-12-31: nobody holds the dialogue
    steps.advance(services, "2026-09-30")  # three months before: officer and board escalated; nobody acts
    assert steps.names(services, case_id) == ["escalate_board", "escalate_officer", "renewal_dialogue"]
    steps.advance(services, "2026-11-01")
    _follow_up(services, case_id)
    steps.advance(services, "2026-12-31")
    assert _case(services, case_id) == ("running", None)
    steps.advance(services, "2027-01-01")  # the end date passes: the stale tasks are closed, the period ends
    assert steps.names(services, case_id) == []
    assert _case(services, case_id) == ("completed", "ended")
    assert steps.agreement(services, case_id).status == "ended"


def test_renewal_decision_closes_the_escalations_and_the_new_period_starts(services: Services,
                                                                          people: Any) -> None:
    case_id = steps.to_decision(services, plan=ONE_YEAR)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-09-01", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    steps.advance(services, "2026-09-30")  # the board has not decided three months before the end
    assert steps.names(services, case_id) == ["escalate_board", "escalate_officer", "renewal_decision"]
    steps.complete(services, case_id, "escalate_officer", {"action_taken": "Påminde kommunstyrelsen."})
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": True, "renewal_decision_date": "2026-10-15", "renewal_minute_reference": "KS § 99",
        "renewal_yearly_support_sek": 420000, "renewal_years": 2, "renewal_interval": "half_yearly"})
    assert steps.names(services, case_id) == []  # the board's open escalation went with the decision
    steps.advance(services, "2026-11-01")
    _follow_up(services, case_id)
    steps.advance(services, "2027-01-01")
    row = steps.agreement(services, case_id)
    assert row.current_version == 2 and row.status == "running"
    assert (row.periods[1].start.isoformat(), row.periods[1].end.isoformat()) == ("2027-01-01", "2028-12-31")
    assert row.periods[1].decision_ref == "KS § 99" and row.periods[1].payment_interval == "half_yearly"
    assert steps.names(services, case_id) == ["pay"]
    assert _case(services, case_id) == ("running", None)


def test_scheduler_restart_in_the_middle_of_a_five_year_agreement(services: Services, people: Any) -> None:
    """The scheduler is down from February to mid-January; a new process catches up in order, once."""
    from collections import Counter

    from sqlalchemy import select

    from app.jobs.timer_sweep import fire_due_timers
    from app.models import CaseEvent
    from app.services import build_services

    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)

    class Crash(BaseException):
        pass

    def crash(*_: Any) -> None:
        raise Crash

    services.clock.set(steps.midnight("2027-01-15"))  # type: ignore[attr-defined]
    try:
        fire_due_timers(services, on_fired=crash)  # the process dies before it commits anything
    except Crash:
        pass
    assert steps.names(services, case_id) == []  # nothing of the crashed sweep was kept
    restarted = build_services(services.settings, services.clock)
    fire_due_timers(restarted)  # follow-up opens (11-01), reminder (12-01), payment day (01-01) in order
    assert fire_due_timers(build_services(services.settings, services.clock)) == 0
    with services.unit_of_work() as s:
        fired = [(e.task_name, e.data["due"][:10]) for e in s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "timer_fired")
            .order_by(CaseEvent.id))]
    assert set(Counter(fired).values()) == {1}  # each firing once
    late = [f for f in fired if f[1] >= "2026-02-01"]
    assert [f[1] for f in late] == sorted(f[1] for f in late)
    assert ("remind", "2026-12-01") in late and ("gate_reached", "2027-01-01") in late
    row = steps.agreement(services, case_id)
    assert [n["on"] for n in row.notices] == ["2026-12-01"]  # the reminder is dated when it was due
    held = [p for p in row.payments if p.due.isoformat() == "2027-01-01"]
    assert held[0].status == "held" and str(held[0].held_on) == "2027-01-01"
    assert steps.names(services, case_id) == ["escalate_hold", "report"]
    _follow_up(services, case_id)
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    for year in (2027, 2028, 2029):
        steps.advance(restarted, f"{year}-11-01")
        _follow_up(services, case_id)
        steps.advance(restarted, f"{year + 1}-01-01")
        steps.complete(services, case_id, "pay", steps.PAYMENT)
    assert {p.status for p in steps.agreement(services, case_id).payments} == {"paid"}
