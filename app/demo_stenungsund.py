"""Demo data for Stenungsund: its staff, the three running IOPs (seed 001) and their agreement cases.

The cases are made the real way: started on the Stenungsund diagram and driven through
the engine by completing each task as the right person, on a ManualClock that replays
the history from the first interest up to the services' "now" (the real date in a
deployment, the test clock in tests). Timers due before now fire on the way; what is
due later stays as waiting timers for the real scheduler. Stages around 2026-11-22:

- Kvinnojouren i Stenungsund: agreement since 2020, renewed in 2022 for 2023–2027;
  the year's follow-up report is submitted and waits for the officer's review, the
  January payment and the renewal dialogue (opens 2027-03-31) are upcoming;
- Svenska kyrkan, second hand-butiken: period from 2025-12-15; the first follow-up is
  open and overdue (a reminder went out 2026-11-15), the payment of 2026-12-15 is due soon;
- Svenska kyrkan, Pelikanen: quarterly payments 2025-07-01 to 2029-06-30, mid-period,
  everything done so far, next payment 2027-01-01.

Idempotent: users and organisations are created when missing, the cases only when
Stenungsund has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.clock import ManualClock
from app.demo_common import ensure_people, user_for
from app.domain.accounts import municipality_by_slug
from app.domain.orgnumber import with_check_digit
from app.models import Case, OpenTask, Organisation, User
from app.services import Services
from app.simulation import (
    WORK_TIME,
    Driver,
    interest_data,
    local_moment,
    preparation_steps,
    report_data,
    start_case,
    with_clock,
)

MUNICIPALITY = "stenungsund"

KVINNOJOUREN = with_check_digit("802419577")
SECOND_HAND = with_check_digit("802431208")
PELIKANEN = with_check_digit("802447716")

ORGANISATIONS = [
    ("Kvinnojouren i Stenungsund", KVINNOJOUREN, "info@kvinnojouren-stenungsund.example"),
    ("Svenska kyrkan i Stenungsund, second hand-butiken", SECOND_HAND, "secondhand@svenskakyrkan-stenungsund.example"),
    ("Svenska kyrkan i Stenungsund, Pelikanen", PELIKANEN, "pelikanen@svenskakyrkan-stenungsund.example"),
]

USERS: list[dict[str, Any]] = [
    {"username": "sofia", "role": "officer", "municipality": MUNICIPALITY, "name": "Sofia Berg, IOP-handläggare"},
    {"username": "goran", "role": "board", "municipality": MUNICIPALITY,
     "name": "Göran Alm, kommunstyrelsens sekreterare"},
    {"username": "frida", "role": "finance", "municipality": MUNICIPALITY, "name": "Frida Nord, ekonomienheten"},
    {"username": "stig", "role": "process_owner", "municipality": MUNICIPALITY, "name": "Stig Ek, processägare"},
    {"username": "karin", "role": "organisation", "organisation": KVINNOJOUREN,
     "name": "Karin Sjö (Kvinnojouren i Stenungsund)"},
    {"username": "maria", "role": "organisation", "organisation": SECOND_HAND,
     "name": "Maria Strand (Svenska kyrkan, second hand)"},
    {"username": "peter", "role": "organisation", "organisation": PELIKANEN,
     "name": "Peter Holm (Svenska kyrkan, Pelikanen)"},
]


@dataclass
class Scenario:
    org_number: str
    interest: dict[str, Any]
    decision_on: date
    start: date
    years: int
    yearly_amount_sek: int
    interval: str
    statistics: list[str]
    minute_reference: str
    report_after_days: int = 14
    review_after_days: int = 7
    pay_after_days: int = 2
    # renewals to agree to, in order: (yearly amount, years, interval, minute reference)
    renewals: list[tuple[int, int, str, str]] = field(default_factory=list)


SCENARIOS: list[Scenario] = [
    Scenario(
        org_number=KVINNOJOUREN,
        interest=interest_data(
            "Kvinnojouren i Stenungsund", KVINNOJOUREN, title="Stöd, rådgivning och skyddat boende",
            description="Jourtelefon, stödsamtal och skyddat boende för våldsutsatta kvinnor och deras barn.",
            field_of_activity="individual_family_care", contact="Karin Sjö",
            email="karin@kvinnojouren-stenungsund.example"),
        decision_on=date(2019, 11, 27), start=date(2020, 1, 1), years=3, yearly_amount_sek=350_000,
        interval="yearly", statistics=["individkontakter", "stödsamtal", "dygn i skyddat boende"],
        minute_reference="KS 2019-11-27 § 212", report_after_days=13, review_after_days=10,
        renewals=[(420_000, 5, "yearly", "KS 2022-05-18 § 98")]),
    Scenario(
        org_number=SECOND_HAND,
        interest=interest_data(
            "Svenska kyrkan i Stenungsund, second hand-butiken", SECOND_HAND, legal_form="trossamfund",
            title="Second hand-butik med arbetsträning",
            description="Butiken tar emot och säljer skänkta varor och erbjuder arbetsträning och gemenskap.",
            field_of_activity="integration", contact="Maria Strand",
            email="maria@svenskakyrkan-stenungsund.example"),
        decision_on=date(2025, 11, 12), start=date(2025, 12, 15), years=3, yearly_amount_sek=150_000,
        interval="yearly", statistics=["deltagare i arbetsträning", "unika besökare"],
        minute_reference="KS 2025-11-12 § 187", report_after_days=45),
    Scenario(
        org_number=PELIKANEN,
        interest=interest_data(
            "Svenska kyrkan i Stenungsund, Pelikanen", PELIKANEN, legal_form="trossamfund",
            title="Pelikanen – stödcentrum för barn och unga",
            description="Stödgrupper för barn och unga som växer upp med missbruk, psykisk ohälsa eller våld.",
            field_of_activity="children_youth", contact="Peter Holm",
            email="peter@svenskakyrkan-stenungsund.example"),
        decision_on=date(2025, 6, 10), start=date(2025, 7, 1), years=4, yearly_amount_sek=600_000,
        interval="quarterly", statistics=["barn i stödgrupp", "gruppträffar", "informationsträffar"],
        minute_reference="KS 2025-06-10 § 121", report_after_days=14, review_after_days=10),
]

# days before the board's decision on which each preparation task is done
PREPARATION_DAYS_BEFORE = {"interest": 75, "dialogue": 60, "economic_plan": 45, "documents": 40,
                           "documents_check": 35, "suitability": 20, "board_decision": 0}


def load_stenungsund_demo(services: Services) -> list[str]:
    report = ensure_people(services, ORGANISATIONS, USERS)
    with services.unit_of_work() as session:
        stenungsund = municipality_by_slug(session, MUNICIPALITY)
        if session.scalar(select(Case.id).where(Case.municipality_id == stenungsund.id).limit(1)) is not None:
            return report
    now = services.clock.now()
    for scenario in SCENARIOS:
        case_id = _run_scenario(services, scenario, now)
        with services.unit_of_work() as session:
            case = session.get(Case, case_id)
            assert case is not None
            report.append(f"case {case.registration_number}: {case.current_step or case.status}")
    return report


def _actor(services: Services, task: OpenTask) -> User | None:
    with services.unit_of_work() as session:
        user = user_for(session, task)
        if user is not None:
            session.expunge(user)
        return user


Plan = tuple[datetime, dict[str, Any]] | None


def _planner(scenario: Scenario) -> Callable[[Driver, OpenTask], Plan]:
    renewals = list(scenario.renewals)

    def plan(driver: Driver, task: OpenTask) -> Plan:
        opened = task.created_at.astimezone(driver.clock.tz).date()

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


def _drive(driver: Driver, stop: datetime, plan: Callable[[Driver, OpenTask], Plan], limit: int = 2000) -> None:
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
            driver.complete(tasks[tid].name, entry[1], _actor(driver.services, tasks[tid]))
        else:
            assert timer is not None
            driver.advance_to(timer + timedelta(seconds=1))
    if stop > driver.clock.now():
        driver.clock.set(stop)
        driver.fire()


def _run_scenario(services: Services, scenario: Scenario, now: datetime) -> int:
    first = scenario.decision_on - timedelta(days=PREPARATION_DAYS_BEFORE["interest"])
    clock = ManualClock(local_moment(first, time(10, 0)), tz=str(services.clock.tz))
    history = with_clock(services, clock)
    with history.unit_of_work() as session:
        starter = session.scalar(select(User).join(Organisation, Organisation.id == User.organisation_id)
                                 .where(Organisation.org_number == scenario.org_number))
        if starter is not None:
            session.expunge(starter)
    case_id = start_case(history, MUNICIPALITY, scenario.org_number, starter)
    driver = Driver(history, case_id)
    steps = preparation_steps(
        org_name=str(scenario.interest["organisation_name"]), org_number=scenario.org_number,
        decision_on=scenario.decision_on, start=scenario.start, years=scenario.years,
        yearly_amount_sek=scenario.yearly_amount_sek, interval=scenario.interval, statistics=scenario.statistics,
        interest=scenario.interest, minute_reference=scenario.minute_reference)
    for name, data in steps:
        driver.at(scenario.decision_on - timedelta(days=PREPARATION_DAYS_BEFORE[name]), time(10, 0))
        task = next(t for t in driver.open_tasks() if t.name == name)
        if name == "dialogue":
            data = dict(data, meeting_date=driver.clock.today().isoformat())
        driver.complete(name, data, _actor(history, task))
    _drive(driver, now, _planner(scenario))
    return case_id
