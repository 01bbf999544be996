"""Simulate one agreement on a virtual clock: the real engine, the real diagram, a throwaway database.

`simulate(options)` creates a temporary SQLite file, migrates it
(app.services.prepare_database), starts a Stenungsund agreement case, completes the
preparation up to the board's decision and then moves a ManualClock from one due
moment to the next (the next timer of the case, or the next planned human action),
firing timers and completing the human tasks the way people plausibly would:

- finance executes a released payment two days after its date;
- the organisation submits its follow-up report two weeks after it opens (or, with
  `late_follow_up`, the first one two weeks after the payment it gates, so that
  payment is held), the officer approves it a week later;
- the renewal dialogue is held a month after it opens; a party declines to extend
  unless `renew` is asked for, in which case the board renews once for the same
  terms a month later (the renewed period is then declined in its turn).

What happened is read back from the agreement projection (app.models.agreement) and
the open tasks after every step, and returned as a dated timeline. `render_svg`
draws that timeline without any plotting dependency.

`Driver` (one case on a ManualClock) is shared with the Stenungsund demo loader.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import select

from app.config import Settings
from app.core import calendar
from app.core.clock import ManualClock
from app.domain.agreements.payments import INTERVALS
from app.domain.agreements.requirements import CRITERIA, DOCUMENTS
from app.domain.agreements.settings import load_settings
from app.domain.orgnumber import with_check_digit
from app.jobs.timer_sweep import fire_due_timers
from app.models import Case, OpenTask, User
from app.models.agreement import Agreement
from app.services import Services, build_services, prepare_database

log = logging.getLogger(__name__)

# municipality slug -> the agreement process the simulation drives
PROCESSES: dict[str, str] = {"stenungsund": "stenungsund_agreement"}
PAYMENT_INTERVALS: tuple[str, ...] = tuple(INTERVALS)  # yearly, half_yearly, quarterly, lump_sum
MAX_AMOUNT_SEK = 1_000_000_000

# how long people take (days after the task opens)
PAY_AFTER_DAYS = 2
REPORT_AFTER_DAYS = 14
REVIEW_AFTER_DAYS = 7
ESCALATION_AFTER_DAYS = 3
RENEWAL_DIALOGUE_AFTER_DAYS = 30
RENEWAL_DECISION_AFTER_DAYS = 30
WORK_TIME = time(9, 0)  # people act at nine in the morning, Swedish time

# Timeline event kinds, in the order a legend shows them.
KINDS: tuple[str, ...] = (
    "decision", "period_start", "payment_released", "payment_held", "payment_paid",
    "follow_up_opened", "follow_up_reminder", "follow_up_submitted", "follow_up_returned",
    "follow_up_approved", "hold_escalated", "renewal_dialogue_opened", "renewal_declined",
    "renewal_decided", "renewal_escalated", "renewal_lapsed", "agreement_ended",
)


class SimulationError(RuntimeError):
    """The simulated case got stuck or took a path the simulation does not know."""


# --------------------------------------------------------------------------------------- options
@dataclass(frozen=True)
class SimulationOptions:
    municipality: str = "stenungsund"
    yearly_amount_sek: int = 400_000
    start: date = date(2027, 1, 1)
    years: int = 5
    interval: str = "yearly"
    late_follow_up: bool = False
    renew: bool = False


@dataclass(frozen=True)
class FieldProblem:
    code: str  # i18n key suffix: simulation.error.<code>
    params: dict[str, Any] = field(default_factory=dict)
    message: str = ""  # the same in English, for the command line and logs


class InvalidOptions(ValueError):
    def __init__(self, problems: dict[str, FieldProblem]) -> None:
        super().__init__("; ".join(f"{name}: {p.message}" for name, p in problems.items()))
        self.problems = problems


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "yes", "on", "ja")


def parse_options(raw: Mapping[str, Any]) -> SimulationOptions:
    """Options from form-like input (strings); InvalidOptions names each bad field."""
    problems: dict[str, FieldProblem] = {}
    municipality = str(raw.get("municipality") or "stenungsund").strip()
    if municipality not in PROCESSES:
        problems["municipality"] = FieldProblem("municipality", {"choices": ", ".join(PROCESSES)},
                                                f"choose one of {', '.join(PROCESSES)}")
    max_years = load_settings(municipality).max_agreement_years if municipality in PROCESSES else 5

    def integer(name: str, low: int, high: int) -> int:
        text = str(raw.get(name) if raw.get(name) is not None else "").strip().replace(" ", "").replace("\u00a0", "")
        try:
            value = int(text)
        except ValueError:
            problems[name] = FieldProblem("integer", {}, "write a whole number")
            return 0
        if not low <= value <= high:
            problems[name] = FieldProblem(f"{name}_range", {"low": low, "high": high},
                                          f"must be between {low} and {high}")
        return value

    amount = integer("yearly_amount_sek", 1, MAX_AMOUNT_SEK)
    years = integer("years", 1, max_years)
    start = date(2000, 1, 1)
    text = str(raw.get("start") or "").strip()
    try:
        start = date.fromisoformat(text)
        if len(text) != 10 or not 2000 <= start.year <= 2100:
            raise ValueError(text)
    except ValueError:
        problems["start"] = FieldProblem("date", {}, "write the date as YYYY-MM-DD (years 2000-2100)")
    interval = str(raw.get("interval") or "").strip()
    if interval not in PAYMENT_INTERVALS:
        problems["interval"] = FieldProblem("interval", {"choices": ", ".join(PAYMENT_INTERVALS)},
                                            f"choose one of {', '.join(PAYMENT_INTERVALS)}")
    if problems:
        raise InvalidOptions(problems)
    return SimulationOptions(municipality=municipality, yearly_amount_sek=amount, start=start, years=years,
                             interval=interval, late_follow_up=_flag(raw.get("late_follow_up")),
                             renew=_flag(raw.get("renew")))


# -------------------------------------------------------------------------------------- timeline
@dataclass(frozen=True)
class TimelineEvent:
    on: date
    kind: str
    ref: str = ""  # the agreement record: v1-p03 (payment), v1-f2 (follow-up), v2 (period)
    amount_sek: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class SimulatedPeriod:
    version: int
    start: date
    end: date
    yearly_amount_sek: int
    interval: str
    renewal_dialogue_opens: date
    renewal_decision_deadline: date


@dataclass
class SimulationResult:
    options: SimulationOptions
    registration_number: str
    decision_on: date
    events: list[TimelineEvent]
    periods: list[SimulatedPeriod]
    outcome: str | None
    ended_on: date | None
    total_paid_sek: int
    steps: int
    stopped_on: date | None = None  # set when the agreement was still running at the horizon

    def of_kind(self, *kinds: str) -> list[TimelineEvent]:
        return [e for e in self.events if e.kind in kinds]

    def dates(self, kind: str) -> list[str]:
        return [e.on.isoformat() for e in self.events if e.kind == kind]


# ------------------------------------------------------------------------ clock-aware timer firing
def with_clock(services: Services, clock: ManualClock) -> Services:
    """The same database and definitions, driven by `clock`."""
    engine = services.engine.with_clock(clock)  # the same listeners (mail, agreement projection)
    return replace(services, clock=clock, engine=engine)


def fire_timers(services: Services) -> int:
    """Fire what is due on the services' clock (the shared sweep), without reminder mail from replayed time."""
    return fire_due_timers(services, mail=False)


def next_timer_at(services: Services, case_id: int) -> datetime | None:
    """When the case's next timer is due (cases.next_timer_at, set by the engine on every save); None unless running."""
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        if case is None or case.status != "running":
            return None
        return case.next_timer_at


# -------------------------------------------------------------------------------- case driver
def local_moment(day: date, wall: time = time(0, 0)) -> datetime:
    return calendar.at_local_time(day, wall)


@dataclass
class Snapshot:
    payments: dict[str, dict[str, Any]]
    follow_ups: dict[str, dict[str, Any]]
    notices: dict[str, dict[str, Any]]
    periods: dict[int, dict[str, Any]]
    tasks: dict[str, str]  # open task id -> name
    status: str
    outcome: str | None


class Driver:
    """One agreement case on a ManualClock: complete tasks, move the clock, fire timers, diff the state."""

    def __init__(self, services: Services, case_id: int) -> None:
        if not isinstance(services.clock, ManualClock):
            raise TypeError("the driver needs services with a ManualClock")
        self.services = services
        self.clock: ManualClock = services.clock
        self.case_id = case_id

    # ------------------------------------------------------------------ reading
    def open_tasks(self) -> list[OpenTask]:
        with self.services.unit_of_work() as s:
            rows = list(s.scalars(select(OpenTask).where(OpenTask.case_id == self.case_id)
                                  .order_by(OpenTask.created_at, OpenTask.id)))
            s.expunge_all()
            return rows

    def names(self) -> list[str]:
        return sorted(t.name for t in self.open_tasks())

    def case(self) -> Case:
        with self.services.unit_of_work() as s:
            case = s.get(Case, self.case_id)
            assert case is not None
            s.expunge(case)
            return case

    def snapshot(self) -> Snapshot:
        with self.services.unit_of_work() as s:
            case = s.get(Case, self.case_id)
            assert case is not None
            row = s.scalar(select(Agreement).where(Agreement.case_id == self.case_id))
            payments, follow_ups, notices, periods = {}, {}, {}, {}
            if row is not None:
                for p in row.payments:
                    payments[f"v{p.version}-p{p.number:02d}"] = {
                        "status": p.status, "due": p.due, "amount": p.amount_sek, "held_on": p.held_on,
                        "released_on": p.released_on, "paid_on": p.paid_on, "reference": p.reference}
                for f in row.follow_ups:
                    follow_ups[f"v{f.version}-f{f.year}"] = {
                        "status": f.status, "rounds": f.rounds, "opens": f.opens, "due": f.due, "gates": f.gates}
                notices = {n["id"]: dict(n) for n in row.notices or []}
                for per in row.periods:
                    periods[per.version] = {
                        "start": per.start, "end": per.end, "yearly": per.yearly_amount_sek,
                        "interval": per.payment_interval, "dialogue": per.renewal_dialogue_opens,
                        "deadline": per.renewal_decision_deadline}
            tasks = {t.id: t.name for t in s.scalars(select(OpenTask).where(OpenTask.case_id == self.case_id))}
            return Snapshot(payments, follow_ups, notices, periods, tasks, case.status, case.outcome)

    # ------------------------------------------------------------------ acting
    def complete(self, name: str, data: Mapping[str, Any], actor: User | str | None = None) -> None:
        matching = [t for t in self.open_tasks() if t.name == name]
        if not matching:
            raise SimulationError(f"{name} is not open; open: {self.names()}")
        with self.services.unit_of_work() as s:
            case = s.get(Case, self.case_id)
            assert case is not None
            who = actor
            if isinstance(who, str):
                who = s.scalar(select(User).where(User.username == who))
            elif who is not None:
                who = s.get(User, who.id)
            self.services.engine.complete_task(s, case, matching[0].id, who, dict(data))

    def at(self, day: date | str, wall: time = WORK_TIME) -> None:
        """Set the clock to a moment of a local day (never backwards)."""
        moment = local_moment(date.fromisoformat(str(day)), wall)
        if moment > self.clock.now():
            self.clock.set(moment)

    def advance_to(self, moment: datetime) -> int:
        if moment > self.clock.now():
            self.clock.set(moment)
        return fire_timers(self.services)

    def fire(self) -> int:
        return fire_timers(self.services)

    def next_timer(self) -> datetime | None:
        return next_timer_at(self.services, self.case_id)

    def run_until(self, day: date, act: Callable[[Driver], bool] | None = None, limit: int = 2000) -> None:
        """Fire every timer due up to the start of `day`; `act` may complete tasks between timers
        (it returns True when it did something)."""
        stop = local_moment(day)
        for _ in range(limit):
            if act is not None and act(self):
                continue
            due = self.next_timer()
            if due is None or due >= stop:
                break
            self.advance_to(due + timedelta(seconds=1))
        if stop > self.clock.now():
            self.clock.set(stop)
            self.fire()


# ------------------------------------------------------------------------------- preparation
SIM_ORGANISATION = ("Simuleringsföreningen", with_check_digit("802555000"))


def interest_data(name: str, org_number: str, *, legal_form: str = "ideell_forening",
                  title: str = "Stödverksamhet", description: str = "Föreningens verksamhet.",
                  field_of_activity: str = "individual_family_care", contact: str = "Kontaktperson",
                  email: str = "kontakt@example.org") -> dict[str, Any]:
    return {"organisation_name": name, "org_number": org_number, "legal_form": legal_form,
            "activity_title": title, "description": description, "field_of_activity": field_of_activity,
            "contact_name": contact, "contact_email": email, **{key: True for key in CRITERIA}}


def preparation_steps(*, org_name: str, org_number: str, decision_on: date, start: date, years: int,
                      yearly_amount_sek: int, interval: str, statistics: list[str] | None = None,
                      interest: dict[str, Any] | None = None, minute_reference: str = "KS § 1",
                      own_funds_sek: int = 50_000, volunteer_hours: int = 1_000,
                      repayment_rule: str = "pro_rata") -> list[tuple[str, dict[str, Any]]]:
    """Plausible data for each preparation task up to and including the board's decision."""
    meeting = (decision_on - timedelta(days=60)).isoformat()
    return [
        ("interest", interest or interest_data(org_name, org_number)),
        ("dialogue", {"meeting_date": meeting, "participants": "Föreningens ordförande, kommunens handläggare",
                      "shared_goal": "En gemensam målbild för verksamheten.",
                      "shared_values": "Socialtjänstlagens värderingar.", "purpose": "Stärka målgruppen.",
                      "minutes": "Parterna enades om målbild, värdegrund och syfte.", "dialogue_complete": True}),
        ("economic_plan", {"yearly_support_sek": yearly_amount_sek, "period_start": start.isoformat(),
                           "period_years": years, "own_funds_sek": own_funds_sek,
                           "volunteer_hours_per_year": volunteer_hours, "volunteer_hour_value_sek": 250,
                           "statistics": statistics or ["individkontakter", "unika besökare"],
                           "repayment_rule": repayment_rule}),
        ("documents", {key: [] for key in DOCUMENTS}),
        ("documents_check", {f"{key}_received": True for key in DOCUMENTS}),
        ("suitability", {"capacity": "God kapacitet.", "local_development_assessment": "Bidrar tydligt.",
                         "own_resources": "Volontärer och egna lokaler.", "results_implementation": "Årlig rapport.",
                         "innovation": "Nya arbetssätt.", "suitable": True, "suitability_feedback": "Lämplig."}),
        ("board_decision", {"board_enters": True, "decision_date": decision_on.isoformat(),
                            "minute_reference": minute_reference, "payment_interval": interval}),
    ]


def start_case(services: Services, municipality: str, org_number: str, actor: User | None = None) -> int:
    from app.domain.accounts import municipality_by_slug, organisation_by_number

    with services.unit_of_work() as s:
        case = services.engine.start_case(
            s, municipality=municipality_by_slug(s, municipality), organisation=organisation_by_number(s, org_number),
            process_id=PROCESSES[municipality], actor=s.get(User, actor.id) if actor else None)
        return case.id


def report_data(statistics: list[str], text: str = "Verksamheten har genomförts enligt överenskommelsen.",
                scale: int = 1) -> dict[str, Any]:
    return {"income_statement": [], "balance_sheet": [], "activity_description": text,
            "statistics_values": {name: (120 + 37 * i) * scale for i, name in enumerate(statistics)}}


# -------------------------------------------------------------------------------- simulation
class _Simulation:
    def __init__(self, driver: Driver, options: SimulationOptions) -> None:
        self.d = driver
        self.o = options
        self.events: list[TimelineEvent] = []
        self.planned: dict[str, tuple[datetime, str]] = {}  # task id -> (when, name)
        self.renewed = False
        self.statistics = ["individkontakter", "unika besökare"]
        self.before = driver.snapshot()

    def today(self) -> date:
        return self.d.clock.today()

    def add(self, kind: str, on: date | None = None, ref: str = "", amount: int | None = None,
            detail: str = "") -> None:
        self.events.append(TimelineEvent(on or self.today(), kind, ref, amount, detail))

    # -------------------------------------------------------------- observing
    def observe(self) -> None:
        after = self.d.snapshot()
        b = self.before
        for version, per in sorted(after.periods.items()):
            if version not in b.periods:
                self.add("period_start", per["start"], f"v{version}", per["yearly"],
                         f"{per['start'].isoformat()}–{per['end'].isoformat()}")
        for ref, f in after.follow_ups.items():
            old = b.follow_ups.get(ref, {"status": "planned", "rounds": 0})
            if (f["status"], f["rounds"]) == (old["status"], old["rounds"]):
                continue
            if old["status"] == "planned" and f["status"] != "planned":
                self.add("follow_up_opened", None, ref, None, f["due"].isoformat())
            if f["rounds"] > old["rounds"]:
                self.add("follow_up_submitted", None, ref)
            if f["status"] in ("returned", "approved", "cancelled") and f["status"] != old["status"]:
                if f["status"] != "cancelled":
                    self.add(f"follow_up_{f['status']}", None, ref)
        for ref, p in after.payments.items():
            old = b.payments.get(ref, {})
            for key, kind in (("held_on", "payment_held"), ("released_on", "payment_released"),
                              ("paid_on", "payment_paid")):
                if p[key] is not None and old.get(key) is None:
                    self.add(kind, p[key], ref, p["amount"],
                             p["reference"] if kind == "payment_paid" else p["due"].isoformat())
        for nid, n in after.notices.items():
            if nid not in b.notices:
                kind = "follow_up_reminder" if n["kind"] == "follow_up_reminder" else n["kind"]
                self.add(kind, date.fromisoformat(n["on"]), n["ref"])
        new_tasks = {name for tid, name in after.tasks.items() if tid not in b.tasks}
        if "renewal_dialogue" in new_tasks:
            self.add("renewal_dialogue_opened", None, f"v{max(after.periods)}")
        if new_tasks & {"escalate_officer", "escalate_board"}:
            self.add("renewal_escalated", None, f"v{max(after.periods)}",
                     detail=", ".join(sorted(new_tasks & {"escalate_officer", "escalate_board"})))
        if "escalate_hold" in new_tasks:
            self.add("hold_escalated")
        if after.status != "running" and b.status == "running":
            period = after.periods[max(after.periods)] if after.periods else None
            self.add("agreement_ended", None, f"v{max(after.periods)}" if after.periods else "",
                     detail=(after.outcome or after.status) + (f" ({period['end'].isoformat()})" if period else ""))
        self.before = after

    # -------------------------------------------------------------- acting
    def current_follow_up(self) -> dict[str, Any] | None:
        snap = self.before
        version = max(snap.periods) if snap.periods else 1
        for ref, f in sorted(snap.follow_ups.items()):
            if ref.startswith(f"v{version}-") and f["status"] in ("open", "returned", "submitted"):
                return dict(f, ref=ref)
        return None

    def plan(self, task: OpenTask) -> tuple[datetime, str]:
        opened = task.created_at.astimezone(self.d.clock.tz).date()
        name = task.name
        if name == "pay":
            days = PAY_AFTER_DAYS
        elif name == "report":
            days = REPORT_AFTER_DAYS
            fu = self.current_follow_up()
            if self.o.late_follow_up and fu is not None and fu["ref"] == "v1-f1" and fu["rounds"] == 0:
                late = fu["gates"] + timedelta(days=REPORT_AFTER_DAYS)
                return local_moment(late, WORK_TIME), name
        elif name == "review":
            days = REVIEW_AFTER_DAYS
        elif name in ("escalate_hold", "escalate_officer", "escalate_board"):
            days = ESCALATION_AFTER_DAYS
        elif name == "renewal_dialogue":
            days = RENEWAL_DIALOGUE_AFTER_DAYS
        elif name == "renewal_decision":
            days = RENEWAL_DECISION_AFTER_DAYS
        else:
            raise SimulationError(f"the simulation does not know how to complete the task {name!r}")
        return local_moment(opened + timedelta(days=days), WORK_TIME), name

    def act(self, name: str) -> None:
        today = self.today().isoformat()
        version = max(self.before.periods) if self.before.periods else 1
        period = self.before.periods.get(version, {})
        if name == "pay":
            self.d.complete("pay", {"paid_on": today, "payment_reference": f"VER-{today}"})
        elif name == "report":
            self.d.complete("report", report_data(self.statistics))
        elif name == "review":
            self.d.complete("review", {"dialogue_date": today, "follow_up_approved": True,
                                       "follow_up_feedback": "Redogörelsen godkänns."})
        elif name == "escalate_hold":
            self.d.complete(name, {"action_taken": "Påminde föreningen om redogörelsen."})
        elif name in ("escalate_officer", "escalate_board"):
            self.d.complete(name, {"action_taken": "Noterat; förnyelsen behandlas."})
        elif name == "renewal_dialogue":
            renew = self.o.renew and not self.renewed
            self.d.complete(name, {"meeting_date": today, "participants": "Föreningen och kommunen",
                                   "minutes": "Parterna vill fortsätta." if renew else "Föreningen avstår.",
                                   "renewal_declined_by": "none" if renew else "organisation"})
            if not renew:
                self.add("renewal_declined", None, f"v{version}", detail="organisation")
        elif name == "renewal_decision":
            self.d.complete(name, {"board_renews": True, "renewal_decision_date": today,
                                   "renewal_minute_reference": "KS § 2",
                                   "renewal_yearly_support_sek": int(period.get("yearly") or self.o.yearly_amount_sek),
                                   "renewal_years": self.o.years,
                                   "renewal_interval": str(period.get("interval") or self.o.interval)})
            self.renewed = True
            self.add("renewal_decided", None, f"v{version}",
                     amount=int(period.get("yearly") or self.o.yearly_amount_sek))
        self.observe()

    def horizon(self) -> date:
        """Where the simulation gives up: the agreement should have ended half a year earlier."""
        periods = 2 if self.o.renew else 1
        return calendar.add_months(self.o.start, 12 * self.o.years * periods + 6)

    def run(self, limit: int = 5000) -> tuple[int, date | None]:
        """Drive the case to its end; return the steps taken and the horizon date if it was reached."""
        steps = 0
        stop = local_moment(self.horizon())
        for steps in range(1, limit + 1):
            if self.before.status != "running":
                return steps, None
            if self.d.clock.now() >= stop:
                return steps, self.horizon()
            open_now = self.d.open_tasks()
            ids = {t.id for t in open_now}
            self.planned = {k: v for k, v in self.planned.items() if k in ids}
            for task in open_now:
                if task.id not in self.planned:
                    self.planned[task.id] = self.plan(task)
            now = self.d.clock.now()
            due_actions = sorted((when, tid, name) for tid, (when, name) in self.planned.items() if when <= now)
            if due_actions:
                _, tid, name = due_actions[0]
                del self.planned[tid]
                self.act(name)
                continue
            candidates = [when for when, _ in self.planned.values()]
            timer = self.d.next_timer()
            if timer is not None:
                candidates.append(timer + timedelta(seconds=1))
            if not candidates:
                raise SimulationError("the case waits for nothing the simulation can bring about")
            target = min([*candidates, stop])
            if target <= now:  # a due timer did not fire: move on a day rather than loop
                target = now + timedelta(days=1)
            self.d.advance_to(target)
            self.observe()
        raise SimulationError(f"the simulation did not finish within {limit} steps")


def simulate(options: SimulationOptions, base: Settings | None = None) -> SimulationResult:
    """Run one agreement from the board's decision to its end in a throwaway database."""
    if options.municipality not in PROCESSES:
        raise InvalidOptions({"municipality": FieldProblem("municipality", {"choices": ", ".join(PROCESSES)},
                                                           f"choose one of {', '.join(PROCESSES)}")})
    decision_on = calendar.add_months(options.start, -1)
    with tempfile.TemporaryDirectory(prefix="iop-sim-") as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'simulation.sqlite3'}", secret_key=secrets.token_urlsafe(16),
            timezone=base.timezone if base else "Europe/Stockholm", clock="manual", instance_path=Path(folder),
            sqlite_synchronous="NORMAL",
            processes_path=base.processes_path if base else Settings.processes_path,
            config_path=base.config_path if base else Settings.config_path)
        clock = ManualClock(local_moment(decision_on, WORK_TIME), tz=settings.timezone)
        services = with_clock(build_services(settings, clock), clock)
        try:
            return _simulate(services, options, decision_on)
        finally:
            services.db.dispose()


def _simulate(services: Services, options: SimulationOptions, decision_on: date) -> SimulationResult:
    from app.domain.accounts import add_organisation

    prepare_database(services)
    name, number = SIM_ORGANISATION
    with services.unit_of_work() as s:
        add_organisation(s, services.clock, name, number, "simulering@example.org")
    case_id = start_case(services, options.municipality, number)
    driver = Driver(services, case_id)
    for task_name, data in preparation_steps(
            org_name=name, org_number=number, decision_on=decision_on, start=options.start,
            years=options.years, yearly_amount_sek=options.yearly_amount_sek, interval=options.interval):
        driver.complete(task_name, data)
    sim = _Simulation(driver, options)
    sim.before = Snapshot({}, {}, {}, {}, {}, "running", None)
    sim.add("decision", decision_on, "v1", options.yearly_amount_sek, "KS § 1")
    sim.observe()
    steps, stopped_on = sim.run()
    final = driver.snapshot()
    case = driver.case()
    periods = [SimulatedPeriod(v, p["start"], p["end"], p["yearly"], p["interval"], p["dialogue"], p["deadline"])
               for v, p in sorted(final.periods.items())]
    events = sorted(enumerate(sim.events), key=lambda item: (item[1].on, item[0]))
    paid = sum(p["amount"] for p in final.payments.values() if p["status"] == "paid")
    ended = next((e.on for e in sim.events if e.kind == "agreement_ended"), None)
    return SimulationResult(options=options, registration_number=case.registration_number, decision_on=decision_on,
                            events=[e for _, e in events], periods=periods, outcome=case.outcome, ended_on=ended,
                            total_paid_sek=paid, steps=steps, stopped_on=stopped_on)


# ------------------------------------------------------------------------------------ output
def kind_title(kind: str, lang: str = "sv") -> str:
    from app.web.i18n import translate

    return translate(f"simulation.kind.{kind}", lang=lang)


def format_sek(amount: int | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", "\u00a0") + " kr"


def timeline_rows(result: SimulationResult, lang: str = "sv") -> list[tuple[str, str, str, str, str]]:
    """(date, kind, title, amount, reference) per event."""
    return [(e.on.isoformat(), e.kind, kind_title(e.kind, lang), format_sek(e.amount_sek),
             " ".join(x for x in (e.ref, e.detail) if x)) for e in result.events]


def format_table(result: SimulationResult, lang: str = "sv") -> str:
    rows = [(d, title, amount, ref) for d, _, title, amount, ref in timeline_rows(result, lang)]
    head = ("Datum", "Händelse", "Belopp", "Referens") if lang == "sv" else ("Date", "Event", "Amount", "Reference")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(4)]
    lines = ["  ".join(str(c).ljust(w) if i != 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                                     strict=True)))
             for r in [head, tuple("-" * w for w in widths), *rows]]
    return "\n".join(line.rstrip() for line in lines)


# lane and colour of each kind in the plot
_LANES: tuple[str, ...] = ("agreement", "payments", "follow_ups", "renewal")
_STYLE: dict[str, tuple[str, str, str]] = {  # kind -> (lane, shape, colour)
    "decision": ("agreement", "diamond", "#0b3b66"),
    "period_start": ("agreement", "square", "#0b3b66"),
    "agreement_ended": ("agreement", "square", "#1b1b1b"),
    "payment_released": ("payments", "ring", "#00703c"),
    "payment_paid": ("payments", "dot", "#00703c"),
    "payment_held": ("payments", "triangle", "#b00020"),
    "follow_up_opened": ("follow_ups", "ring", "#1d5fa8"),
    "follow_up_submitted": ("follow_ups", "dot", "#7fa7d6"),
    "follow_up_returned": ("follow_ups", "triangle", "#b35900"),
    "follow_up_approved": ("follow_ups", "dot", "#1d5fa8"),
    "follow_up_reminder": ("follow_ups", "triangle", "#b35900"),
    "hold_escalated": ("payments", "diamond", "#b00020"),
    "renewal_dialogue_opened": ("renewal", "ring", "#6f2c91"),
    "renewal_declined": ("renewal", "square", "#6f2c91"),
    "renewal_decided": ("renewal", "dot", "#6f2c91"),
    "renewal_escalated": ("renewal", "triangle", "#b00020"),
    "renewal_lapsed": ("renewal", "square", "#b00020"),
}


def _shape(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "dot":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    if shape == "ring":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},{y + 5:.1f}" '
                f'fill="{colour}"/>')
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}" '
                f'fill="{colour}"/>')
    return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'


def render_svg(result: SimulationResult, lang: str = "sv", width: int = 960) -> str:
    """A self-contained SVG timeline: one lane per kind of event, the agreement periods as bars."""
    from app.web.i18n import translate

    first = min([result.decision_on, *(e.on for e in result.events)])
    last = max([*(p.end for p in result.periods), *(e.on for e in result.events), first + timedelta(days=1)])
    start = date(first.year, 1, 1)
    stop = date(last.year + 1, 1, 1)
    left, right, top, lane_h = 150, 20, 40, 46
    height = top + lane_h * len(_LANES) + 70
    span = max((stop - start).days, 1)

    def x(day: date) -> float:
        return left + (width - left - right) * (day - start).days / span

    title = translate("simulation.plot_title", lang=lang)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="sim-plot-title sim-plot-desc" '
        f'font-family="sans-serif" font-size="12">',
        f'<title id="sim-plot-title">{escape(title)}</title>',
        f'<desc id="sim-plot-desc">{escape(translate("simulation.plot_desc", lang=lang, count=len(result.events)))}'
        '</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    axis_y = top + lane_h * len(_LANES)
    for year in range(start.year, stop.year + 1):
        gx = x(date(year, 1, 1))
        parts.append(f'<line x1="{gx:.1f}" y1="{top - 10}" x2="{gx:.1f}" y2="{axis_y}" stroke="#d0d0d0"/>')
        if year < stop.year:
            mid = x(date(year, 7, 1))
            parts.append(f'<text x="{mid:.1f}" y="{axis_y + 18}" text-anchor="middle" fill="#333333">{year}</text>')
    for i, lane in enumerate(_LANES):
        cy = top + lane_h * i + lane_h / 2
        parts.append(f'<text x="{left - 10}" y="{cy + 4:.1f}" text-anchor="end" fill="#1b1b1b">'
                     f'{escape(translate(f"simulation.lane.{lane}", lang=lang))}</text>')
        parts.append(f'<line x1="{left}" y1="{cy:.1f}" x2="{width - right}" y2="{cy:.1f}" stroke="#eeeeee"/>')
    agreement_y = top + lane_h / 2
    for p in result.periods:
        x1, x2 = x(p.start), x(p.end + timedelta(days=1))
        parts.append(f'<rect x="{x1:.1f}" y="{agreement_y - 12:.1f}" width="{max(x2 - x1, 1):.1f}" height="24" '
                     f'fill="#dbe7f3" stroke="#0b3b66"><title>v{p.version}: {p.start.isoformat()} – '
                     f'{p.end.isoformat()}</title></rect>')
        parts.append(f'<text x="{x1 + 4:.1f}" y="{agreement_y + 22:.1f}" fill="#0b3b66" font-size="10">'
                     f'v{p.version} {p.start.isoformat()} – {p.end.isoformat()}</text>')
        renewal_y = top + lane_h * 3 + lane_h / 2
        d1, d2 = x(p.renewal_dialogue_opens), x(p.renewal_decision_deadline)
        window = escape(translate("simulation.renewal_window", lang=lang))
        parts.append(f'<line x1="{d1:.1f}" y1="{renewal_y:.1f}" x2="{d2:.1f}" y2="{renewal_y:.1f}" '
                     f'stroke="#c9b3d9" stroke-width="6"><title>{window}: {p.renewal_dialogue_opens.isoformat()} – '
                     f'{p.renewal_decision_deadline.isoformat()}</title></line>')
    for event in result.events:
        lane, shape, colour = _STYLE.get(event.kind, ("agreement", "dot", "#333333"))
        cy = top + lane_h * _LANES.index(lane) + lane_h / 2
        label = f"{event.on.isoformat()} {kind_title(event.kind, lang)}"
        if event.amount_sek is not None:
            label += f" {format_sek(event.amount_sek)}"
        if event.ref:
            label += f" ({event.ref})"
        parts.append(f'<g class="ev ev-{event.kind}"><title>{escape(label)}</title>'
                     f'{_shape(shape, x(event.on), cy, colour)}</g>')
    legend_y = axis_y + 40
    lx = float(left)
    for kind in KINDS:
        if not any(e.kind == kind for e in result.events):
            continue
        lane, shape, colour = _STYLE.get(kind, ("agreement", "dot", "#333333"))
        text = kind_title(kind, lang)
        if lx + 20 + 6.5 * len(text) > width - right:
            lx = float(left)
            legend_y += 18
        parts.append(_shape(shape, lx + 6, legend_y - 4, colour))
        parts.append(f'<text x="{lx + 16:.1f}" y="{legend_y:.1f}" fill="#1b1b1b">{escape(text)}</text>')
        lx += 30 + 6.5 * len(text)
    height = int(legend_y + 16)
    parts[0] = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="sim-plot-title sim-plot-desc" '
                f'font-family="sans-serif" font-size="12">')
    parts[3] = f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
    parts.append("</svg>")
    return "\n".join(parts)
