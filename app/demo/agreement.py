"""A demo agreement replayed from its first interest up to "now" (Stenungsund's, Gävle's and Kungsbacka's).

The case is made the real way: started on the municipality's agreement diagram and driven through the
engine (app.driving.case_driver) by completing each task as the right person, on a ManualClock that replays
the history. Preparation tasks are done a fixed number of days before the board's decision; afterwards
the planner below completes payments, follow-ups, escalations and renewals the way people plausibly would,
in time order with the timers. Timers due before now fire on the way; what is due later stays as waiting
timers for the real scheduler; tasks that open on or after `hands_off` are left for the demo's users.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from app.core.clock import ManualClock
from app.demo.people import actor_for, first_user_of
from app.driving.case_driver import WORK_TIME, CaseDriver, local_moment, with_clock
from app.driving.scenarios import preparation_steps, report_data
from app.models import OpenTask
from app.services import Services


@dataclass
class AgreementCase:
    org_number: str
    interest: dict[str, Any]
    decision_on: date
    start: date
    years: int
    yearly_amount_sek: int
    interval: str
    statistics: list[str]
    minute_reference: str
    # tasks that open on or after this day are left open for the demo's users
    hands_off: date
    # the preparation task left open (the case is still in preparation); None: decided and running
    prepare_until: str | None = None
    report_after_days: int = 14
    review_after_days: int = 7
    pay_after_days: int = 2
    # renewals to agree to, in order: (yearly amount, years, interval, minute reference)
    renewals: list[tuple[int, int, str, str]] = field(default_factory=list)
    # the preparation as (task, days before the decision, data), for a process whose preparation is not
    # Stenungsund's (app.driving.scenarios.preparation_steps); None: Stenungsund's
    preparation: list[tuple[str, int, dict[str, Any]]] | None = None


# days before the board's decision on which each preparation task is done
PREPARATION_DAYS_BEFORE = {"interest": 75, "dialogue": 60, "economic_plan": 45, "documents": 40,
                           "documents_check": 35, "suitability": 20, "board_decision": 0}



def run_agreement_case(services: Services, municipality: str, process_id: str, scenario: AgreementCase,
                       now: datetime) -> int:
    steps = scenario.preparation if scenario.preparation is not None else [
        (name, PREPARATION_DAYS_BEFORE[name], data) for name, data in preparation_steps(
            org_name=str(scenario.interest["organisation_name"]), org_number=scenario.org_number,
            decision_on=scenario.decision_on, start=scenario.start, years=scenario.years,
            yearly_amount_sek=scenario.yearly_amount_sek, interval=scenario.interval,
            statistics=scenario.statistics, interest=scenario.interest, minute_reference=scenario.minute_reference)]
    first = scenario.decision_on - timedelta(days=steps[0][1])
    clock = ManualClock(local_moment(first, time(10, 0)), tz=str(services.clock.tz))
    history = with_clock(services, clock)
    driver = CaseDriver.start(history, municipality, scenario.org_number, process_id=process_id,
                              actor=first_user_of(history, scenario.org_number), mail=False)
    for name, days_before, data in steps:
        if name == scenario.prepare_until:
            break
        driver.at(scenario.decision_on - timedelta(days=days_before), time(10, 0))
        task = driver.task(name)
        if name == "dialogue" and "meeting_date" in data:
            data = dict(data, meeting_date=driver.clock.today().isoformat())
        driver.complete(name, data, actor_for(history, task), task=task)
    _drive(driver, now, _planner(scenario))
    return driver.case_id


Plan = tuple[datetime, dict[str, Any]] | None


def _planner(scenario: AgreementCase) -> Callable[[CaseDriver, OpenTask], Plan]:
    renewals = list(scenario.renewals)

    def plan(driver: CaseDriver, task: OpenTask) -> Plan:
        opened = task.created_at.astimezone(driver.clock.tz).date()
        if opened >= scenario.hands_off:
            return None  # left for the demo's users

        def on(days: int) -> datetime:
            return local_moment(opened + timedelta(days=days), WORK_TIME)

        if task.name == "pay":
            return on(scenario.pay_after_days), {"paid_on": (opened + timedelta(days=scenario.pay_after_days))
                                                 .isoformat(), "payment_reference": f"VER {opened.year}-{opened:%m%d}"}
        if task.name == "report":
            return on(scenario.report_after_days), report_data(
                scenario.statistics, "Verksamheten har bedrivits enligt överenskommelsen; se bifogad statistik.")
        if task.name == "review":
            day = opened + timedelta(days=scenario.review_after_days)
            return on(scenario.review_after_days), {
                "dialogue_date": day.isoformat(), "follow_up_approved": True,
                "follow_up_feedback": "Tack för redogörelsen. Uppföljningen är godkänd."}
        if task.name == "escalate_hold":
            return on(3), {"action_taken": "Ringde föreningen om redogörelsen."}
        if task.name == "renewal_dialogue" and renewals:
            return on(20), {"meeting_date": (opened + timedelta(days=20)).isoformat(),
                            "participants": "Föreningens ordförande och verksamhetsledare, kommunens handläggare",
                            "changed_conditions": "Fler stödsamtal än planerat; behovet av skyddat boende består.",
                            "minutes": "Båda parter vill fortsätta med en reviderad överenskommelse.",
                            "renewal_declined_by": "none"}
        if task.name == "renewal_decision" and renewals:
            amount, years, interval, minute = renewals.pop(0)
            day = opened + timedelta(days=28)
            return on(28), {"board_renews": True, "renewal_decision_date": day.isoformat(),
                            "renewal_minute_reference": minute, "renewal_yearly_support_sek": amount,
                            "renewal_years": years, "renewal_interval": interval}
        return None  # left for the demo's users

    return plan


def _drive(driver: CaseDriver, stop: datetime, plan: Callable[[CaseDriver, OpenTask], Plan], limit: int = 2000) -> None:
    """Complete planned tasks and fire timers in time order until `stop`; later work stays open."""
    planned: dict[str, tuple[datetime, dict[str, Any]] | None] = {}
    for _ in range(limit):
        tasks = {t.id: t for t in driver.open_tasks()}
        planned = {k: v for k, v in planned.items() if k in tasks}
        for tid, task in tasks.items():
            if tid not in planned:
                planned[tid] = plan(driver, task)
        due = sorted((p[0], tid) for tid, p in planned.items() if p is not None)
        timer = driver.next_timer()
        moments = [m for m in ([due[0][0]] if due else []) + ([timer + timedelta(seconds=1)] if timer else [])]
        if not moments or min(moments) >= stop:
            break
        if due and (timer is None or due[0][0] <= timer):
            when, tid = due[0]
            entry = planned.pop(tid)
            assert entry is not None
            driver.at(when.astimezone(driver.clock.tz).date(), when.astimezone(driver.clock.tz).time())
            driver.complete(tasks[tid].name, entry[1], actor_for(driver.services, tasks[tid]))
        else:
            assert timer is not None
            driver.advance_to(timer + timedelta(seconds=1))
    if stop > driver.clock.now():
        driver.clock.set(stop)
        driver.fire()


