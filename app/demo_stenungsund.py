"""Demo data for Stenungsund: its staff, five IOPs at the stages the README tells, made through the engine.

Every date is placed relative to the services' "today" (the real date in a deployment, the
test clock in tests), so the demo shows the same story whichever day it is loaded:

- Kvinnojouren i Stenungsund (karin): an agreement of three years, renewed for three more with
  quarterly payments; the renewal dialogue opened a few days ago (nine months before the
  end) and waits for the officer, and a quarterly payment was released a day or two ago
  and waits for finance;
- Svenska kyrkan, second hand-butiken (maria): in its first year; the first follow-up
  report is open and due within the next few days;
- Svenska kyrkan, Pelikanen (peter): quarterly payments; the first follow-up report was
  never sent, so the payment due a few days ago is held and the officer has an escalation;
- Föreningen Mötesplats Stenungsund (lisa): in preparation; the officer is to fill in the
  economic plan after the dialogue meeting;
- Läxhjälpen i Stenungsund (omar): prepared and found suitable; the board's decision is open.

The cases are made the real way: started on the Stenungsund diagram and driven through the
engine by completing each task as the right person, on a ManualClock that replays the
history from the first interest up to "now". Timers due before now fire on the way; what
is due later stays as waiting timers for the real scheduler. Months are counted as a
person counts them (app.core.calendar.add_months: end of month, leap days).

Idempotent: users and organisations are created when missing, the cases only when
Stenungsund has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.core.calendar import add_months
from app.core.clock import ManualClock
from app.demo_common import ensure_people, user_for
from app.domain.accounts import municipality_by_slug
from app.domain.agreements.payments import next_period_start
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
MOTESPLATS = with_check_digit("802455123")
LAXHJALPEN = with_check_digit("802466234")

ORGANISATIONS = [
    ("Kvinnojouren i Stenungsund", KVINNOJOUREN, "info@kvinnojouren-stenungsund.example"),
    ("Svenska kyrkan i Stenungsund, second hand-butiken", SECOND_HAND, "secondhand@svenskakyrkan-stenungsund.example"),
    ("Svenska kyrkan i Stenungsund, Pelikanen", PELIKANEN, "pelikanen@svenskakyrkan-stenungsund.example"),
    ("Föreningen Mötesplats Stenungsund", MOTESPLATS, "info@motesplats-stenungsund.example"),
    ("Läxhjälpen i Stenungsund", LAXHJALPEN, "kontakt@laxhjalpen-stenungsund.example"),
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
    {"username": "lisa", "role": "organisation", "organisation": MOTESPLATS,
     "name": "Lisa Wik (Föreningen Mötesplats Stenungsund)"},
    {"username": "omar", "role": "organisation", "organisation": LAXHJALPEN,
     "name": "Omar Said (Läxhjälpen i Stenungsund)"},
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
    # tasks that open on or after this day are left open for the demo's users
    hands_off: date
    # the preparation task left open (the case is still in preparation); None: decided and running
    prepare_until: str | None = None
    report_after_days: int = 14
    review_after_days: int = 7
    pay_after_days: int = 2
    # renewals to agree to, in order: (yearly amount, years, interval, minute reference)
    renewals: list[tuple[int, int, str, str]] = field(default_factory=list)


# days before the board's decision on which each preparation task is done
PREPARATION_DAYS_BEFORE = {"interest": 75, "dialogue": 60, "economic_plan": 45, "documents": 40,
                           "documents_check": 35, "suitability": 20, "board_decision": 0}


def _minute(day: date, paragraph: int) -> str:
    return f"KS {day.isoformat()} § {paragraph}"


def _first_of_next_month(day: date, months: int = 1) -> date:
    return add_months(day.replace(day=1), months)


def scenarios(today: date) -> list[Scenario]:
    """The demo's agreements, every date counted from `today`."""
    # Kvinnojouren: the renewed period (3 years, quarterly) ends E; its dialogue opens at E - 9 months,
    # the day before its 10th payment (start + 27 months). That payment falls on yesterday (or, when
    # the month has no such day, a day or three earlier), so both are open now.
    renewed_start = add_months(today - timedelta(days=1), -27)
    first_start = add_months(renewed_start, -36)
    renewed_start = next_period_start(first_start, 3)  # what the renewal will make of it (29 Feb)
    first_decision = first_start - timedelta(days=35)
    # the first period's renewal: dialogue held 20 days after it opens, the board's decision 28 days later
    renewal_decided = add_months(renewed_start - timedelta(days=1), -9) + timedelta(days=48)
    # second hand: the first follow-up is due one month before the first anniversary; place it a few days ahead
    second_hand_anniversary = add_months(today + timedelta(days=4), 1)
    second_hand_start = add_months(second_hand_anniversary, -12)
    # Pelikanen: the first anniversary (the payment the first follow-up gates) was five days ago
    pelikanen_anniversary = today - timedelta(days=5)
    pelikanen_start = add_months(pelikanen_anniversary, -12)
    # preparation: the board meets in a week (Läxhjälpen) and in about six weeks (Mötesplats)
    laxhjalpen_decision = today + timedelta(days=7)
    motesplats_decision = today + timedelta(days=40)
    return [
        Scenario(
            org_number=KVINNOJOUREN,
            interest=interest_data(
                "Kvinnojouren i Stenungsund", KVINNOJOUREN, title="Stöd, rådgivning och skyddat boende",
                description="Jourtelefon, stödsamtal och skyddat boende för våldsutsatta kvinnor och deras barn.",
                field_of_activity="individual_family_care", contact="Karin Sjö",
                email="karin@kvinnojouren-stenungsund.example"),
            decision_on=first_decision, start=first_start, years=3, yearly_amount_sek=350_000,
            interval="yearly", statistics=["individkontakter", "stödsamtal", "dygn i skyddat boende"],
            minute_reference=_minute(first_decision, 212), report_after_days=13, review_after_days=10,
            hands_off=add_months(next_period_start(renewed_start, 3) - timedelta(days=1), -9),
            renewals=[(420_000, 3, "quarterly", _minute(renewal_decided, 98))]),
        Scenario(
            org_number=SECOND_HAND,
            interest=interest_data(
                "Svenska kyrkan i Stenungsund, second hand-butiken", SECOND_HAND, legal_form="trossamfund",
                title="Second hand-butik med arbetsträning",
                description="Butiken tar emot och säljer skänkta varor och erbjuder arbetsträning och gemenskap.",
                field_of_activity="integration", contact="Maria Strand",
                email="maria@svenskakyrkan-stenungsund.example"),
            decision_on=second_hand_start - timedelta(days=33), start=second_hand_start, years=3,
            yearly_amount_sek=150_000, interval="yearly",
            statistics=["deltagare i arbetsträning", "unika besökare"],
            minute_reference=_minute(second_hand_start - timedelta(days=33), 187),
            hands_off=add_months(second_hand_anniversary, -2)),
        Scenario(
            org_number=PELIKANEN,
            interest=interest_data(
                "Svenska kyrkan i Stenungsund, Pelikanen", PELIKANEN, legal_form="trossamfund",
                title="Pelikanen – stödcentrum för barn och unga",
                description="Stödgrupper för barn och unga som växer upp med missbruk, psykisk ohälsa eller våld.",
                field_of_activity="children_youth", contact="Peter Holm",
                email="peter@svenskakyrkan-stenungsund.example"),
            decision_on=pelikanen_start - timedelta(days=21), start=pelikanen_start, years=4,
            yearly_amount_sek=600_000, interval="quarterly",
            statistics=["barn i stödgrupp", "gruppträffar", "informationsträffar"],
            minute_reference=_minute(pelikanen_start - timedelta(days=21), 121), review_after_days=10,
            hands_off=add_months(pelikanen_anniversary, -2)),
        Scenario(
            org_number=MOTESPLATS,
            interest=interest_data(
                "Föreningen Mötesplats Stenungsund", MOTESPLATS, title="Öppen mötesplats för äldre",
                description="Träffpunkt med luncher, promenadgrupper och digital hjälp för äldre i kommunen.",
                field_of_activity="elderly", contact="Lisa Wik", email="lisa@motesplats-stenungsund.example"),
            decision_on=motesplats_decision, start=_first_of_next_month(motesplats_decision, 2), years=3,
            yearly_amount_sek=200_000, interval="half_yearly", statistics=["besökare", "luncher"],
            minute_reference="", hands_off=today, prepare_until="economic_plan"),
        Scenario(
            org_number=LAXHJALPEN,
            interest=interest_data(
                "Läxhjälpen i Stenungsund", LAXHJALPEN, title="Läxhjälp och studiero för högstadieelever",
                description="Volontärer ger läxhjälp tre eftermiddagar i veckan i bibliotekets lokaler.",
                field_of_activity="children_youth", contact="Omar Said",
                email="omar@laxhjalpen-stenungsund.example"),
            decision_on=laxhjalpen_decision, start=_first_of_next_month(laxhjalpen_decision, 2), years=2,
            yearly_amount_sek=120_000, interval="yearly", statistics=["elever", "läxhjälpstillfällen"],
            minute_reference=_minute(laxhjalpen_decision, 240), hands_off=today, prepare_until="board_decision"),
    ]


def load_stenungsund_demo(services: Services) -> list[str]:
    report = ensure_people(services, ORGANISATIONS, USERS)
    with services.unit_of_work() as session:
        stenungsund = municipality_by_slug(session, MUNICIPALITY)
        if session.scalar(select(Case.id).where(Case.municipality_id == stenungsund.id).limit(1)) is not None:
            return report
    now = services.clock.now()
    for scenario in scenarios(services.clock.today()):
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
        if name == scenario.prepare_until:
            break
        driver.at(scenario.decision_on - timedelta(days=PREPARATION_DAYS_BEFORE[name]), time(10, 0))
        task = next(t for t in driver.open_tasks() if t.name == name)
        if name == "dialogue":
            data = dict(data, meeting_date=driver.clock.today().isoformat())
        driver.complete(name, data, _actor(history, task))
    _drive(driver, now, _planner(scenario))
    return case_id
