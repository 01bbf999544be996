"""Simulate one agreement on a virtual clock: the real engine, the real diagram, a throwaway database.

`simulate(options)` creates a temporary SQLite file, migrates it (app.services.prepare_database), starts an
agreement case, completes the municipality's own preparation up to its decision and then moves a ManualClock from one
due moment to the next (the next timer of the case, or the next planned human action), firing timers and
completing the human tasks the way people plausibly would (app.simulation.policy). What happened is read
back from the agreement projection and the open tasks after every step (app.simulation.snapshot) and
returned as a dated timeline (app.simulation.timeline). The case is driven by app.driving.case_driver.
"""

from __future__ import annotations

import secrets
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from app.config import Settings
from app.core import calendar
from app.core.clock import ManualClock
from app.core.municipal_settings import configure, settings_of
from app.core.statuses import CaseStatus
from app.domain.accounts import add_organisation, municipality_by_slug
from app.driving.case_driver import WORK_TIME, CaseDriver, local_moment, start_case, with_clock
from app.driving.scenarios import MINUTE_PREFIX, PREPARATIONS, SIM_ORGANISATION
from app.services import Services, build_services, prepare_database
from app.simulation.options import (
    FieldProblem,
    InvalidOptions,
    SimulationOptions,
    configured_municipalities,
    simulated_municipalities,
    simulated_process,
)
from app.simulation.party_view import read_party_view
from app.simulation.policy import People
from app.simulation.snapshot import Snapshot, read_snapshot
from app.simulation.timeline import SimulatedPeriod, SimulationError, SimulationResult, TimelineEvent


class _Simulation(People):
    def __init__(self, driver: CaseDriver, options: SimulationOptions, minute: str) -> None:
        self.d = driver
        self.o = options
        self.minute = minute
        self.events: list[TimelineEvent] = []
        self.planned: dict[str, tuple[datetime, str]] = {}  # task id -> (when, name)
        self.renewed = False
        self.statistics = ["individkontakter", "unika besökare"]
        self.before = read_snapshot(driver)

    def add(self, kind: str, on: date | None = None, ref: str = "", amount: int | None = None,
            detail: str = "") -> None:
        self.events.append(TimelineEvent(on or self.today(), kind, ref, amount, detail))

    # -------------------------------------------------------------- observing
    def observe(self) -> None:
        after = read_snapshot(self.d)
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
        if after.status != CaseStatus.RUNNING and b.status == CaseStatus.RUNNING:
            period = after.periods[max(after.periods)] if after.periods else None
            self.add("agreement_ended", None, f"v{max(after.periods)}" if after.periods else "",
                     detail=(after.outcome or after.status) + (f" ({period['end'].isoformat()})" if period else ""))
        self.before = after

    def horizon(self) -> date:
        """Where the simulation gives up: the agreement should have ended half a year earlier."""
        periods = 2 if self.o.renew else 1
        return calendar.add_months(self.o.start, 12 * self.o.years * periods + 6)

    def run(self, limit: int = 5000) -> tuple[int, date | None]:
        """Drive the case to its end; return the steps taken and the horizon date if it was reached."""
        steps = 0
        stop = local_moment(self.horizon())
        for steps in range(1, limit + 1):
            if self.before.status != CaseStatus.RUNNING:
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
    """Run one agreement from the decision to its end in a throwaway database."""
    offered = options.settings or configured_municipalities(
        (base.config_path if base else Settings.config_path) / "municipalities").get(options.municipality)
    if offered is None or simulated_process(offered) is None:
        choices = ", ".join(simulated_municipalities(configured_municipalities()))
        raise InvalidOptions({"municipality": FieldProblem("municipality", {"choices": choices},
                                                           f"choose one of {choices}")})
    decision_on = calendar.add_months(options.start, -1)
    with tempfile.TemporaryDirectory(prefix="iop-sim-") as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'simulation.sqlite3'}", secret_key=secrets.token_urlsafe(16),
            timezone=base.timezone if base else calendar.DEFAULT_ZONE, clock="manual", instance_path=Path(folder),
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
    prepare_database(services)
    name, number = SIM_ORGANISATION
    with services.unit_of_work() as s:
        add_organisation(s, services.clock, name, number, "simulering@example.org")
        municipality = municipality_by_slug(s, options.municipality)
        if options.settings is not None:  # the stored settings of the installation, not config/'s
            configure(municipality, options.settings)
        process_id = simulated_process(settings_of(municipality))
    assert process_id is not None, "checked by simulate"
    case_id = start_case(services, options.municipality, number, process_id=process_id)
    driver = CaseDriver(services, case_id, mail=False)
    minute = MINUTE_PREFIX[process_id]
    for task_name, data in PREPARATIONS[process_id](
            org_name=name, org_number=number, decision_on=decision_on, start=options.start,
            years=options.years, yearly_amount_sek=options.yearly_amount_sek, interval=options.interval,
            minute_reference=f"{minute} § 1"):
        driver.complete(task_name, data)
    sim = _Simulation(driver, options, minute)
    sim.before = Snapshot({}, {}, {}, {}, {}, "running", None)
    sim.add("decision", decision_on, "v1", options.yearly_amount_sek, f"{minute} § 1")
    sim.observe()
    steps, stopped_on = sim.run()
    final = read_snapshot(driver)
    case = driver.case()
    periods = [SimulatedPeriod(v, p["start"], p["end"], p["yearly"], p["interval"], p["dialogue"], p["deadline"])
               for v, p in sorted(final.periods.items())]
    events = sorted(enumerate(sim.events), key=lambda item: (item[1].on, item[0]))
    paid = sum(p["amount"] for p in final.payments.values() if p["status"] == "paid")
    ended = next((e.on for e in sim.events if e.kind == "agreement_ended"), None)
    return SimulationResult(options=options, registration_number=case.registration_number, decision_on=decision_on,
                            events=[e for _, e in events], periods=periods, outcome=case.outcome, ended_on=ended,
                            total_paid_sek=paid, steps=steps, stopped_on=stopped_on,
                            party_view=read_party_view(services, case_id))
