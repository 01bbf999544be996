"""Benchmark: the timer sweep over N Stenungsund agreements and five simulated years.

    .venv/bin/python bench/timers_bench.py --db sqlite [--agreements 10000] [--workers 2]
    .venv/bin/python bench/timers_bench.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test

The real diagram (processes/stenungsund_agreement.bpmn), the real engine and the real sweep
(app.jobs.timer_sweep.fire_due_timers) in a throwaway database: a temporary SQLite file
(synchronous=FULL, as deployed), or a fresh PostgreSQL schema that is dropped at the end.

Setup (not measured). For each of --templates start dates spread over 2027 one agreement is driven
through the whole preparation (interest, dialogue, economic plan, documents, suitability, the
board's decision) by the engine; the agreements are then copies of these, as if the preparation
had been done for each: the same serialized workflow with fresh task ids and a registration number
of their own, and the agreement tables rebuilt from it. Every agreement runs five years with yearly
payments; every tenth leaves the renewal undecided (its deadline escalation and lapse then fire).

Measured. A manual clock walks day by day from the decisions until every agreement has ended.
Each day it stands at 00:00 (every timer of this diagram is due at 00:00 Stockholm) and one sweep
fires what became due: payments released, follow-ups opened, renewal dialogues, deadlines, the
periods' ends. Only the sweeps are timed. Then, at 09:00, people complete every open task (finance
pays, the organisation reports, the officer approves, the dialogue is held or left undecided, the
escalations are answered) so that the cases can reach their next timer; that is setup again.

Checked at the end: every expected payment, follow-up report and review, renewal dialogue and
escalation task existed exactly once and opened on its day; every payment was released on its due
date; every timer fired exactly once with the due date computed here by hand; all cases ended.
Not a test: it prints figures (and exits non-zero when the check fails).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import resource
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text, update  # noqa: E402

from app.config import Settings  # noqa: E402
from app.core import calendar  # noqa: E402
from app.core.clock import ManualClock  # noqa: E402
from app.core.search import case_search_text  # noqa: E402
from app.domain.accounts import (  # noqa: E402
    add_organisation,
    configured_settings,  # noqa: E402
    municipality_by_slug,
    organisation_by_number,
)
from app.domain.agreements.projection import AgreementProjection  # noqa: E402
from app.driving.case_driver import start_case  # noqa: E402
from app.driving.scenarios import preparation_steps, report_data  # noqa: E402
from app.engine.registration import next_registration_number  # noqa: E402
from app.jobs.timer_sweep import fire_due_timers  # noqa: E402
from app.models import Case, CaseEvent, OpenTask  # noqa: E402
from app.models.agreement import Agreement, AgreementPayment  # noqa: E402
from app.services import Services, build_services, prepare_database  # noqa: E402

YEARS = 5
YEARLY_SEK = 400_000
FIRST_START = date(2027, 1, 1)
DECISION_ON = date(2026, 12, 1)
ORG_NAME, ORG_NUMBER = "Bänkföreningen", "802400-0005"
UNDECIDED_EVERY = 10  # every tenth agreement leaves its renewal undecided
COPY_BATCH = 500
PEOPLE_BATCH = 10
STATISTICS = ["individkontakter", "unika besökare"]
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def local(day: date, at: wall = wall(0, 0)) -> datetime:
    return calendar.at_local_time(day, at)


# ------------------------------------------------------------------------------------- setup
def prepared_template(services: Services, clock: ManualClock, start: date) -> int:
    """One agreement driven by the engine from the interest registration to the board's decision."""
    case_id = start_case(services, "stenungsund", ORG_NUMBER)
    steps = preparation_steps(org_name=ORG_NAME, org_number=ORG_NUMBER, decision_on=DECISION_ON, start=start,
                              years=YEARS, yearly_amount_sek=YEARLY_SEK, interval="yearly", statistics=STATISTICS)
    for name, data in steps:
        with services.unit_of_work() as s:
            task = s.scalar(select(OpenTask).where(OpenTask.case_id == case_id, OpenTask.name == name))
            if task is None:
                raise SystemExit(f"setup: the task {name!r} did not open (open: "
                                 f"{list(s.scalars(select(OpenTask.name).where(OpenTask.case_id == case_id)))})")
            case = s.get(Case, case_id)
            assert case is not None
            services.engine.complete_task(s, case, task.id, None, data)
    with services.unit_of_work() as s:
        left = list(s.scalars(select(OpenTask.name).where(OpenTask.case_id == case_id)))
        case = s.get(Case, case_id)
        assert case is not None
        if left or case.next_timer_at is None:
            raise SystemExit(f"setup: after the board's decision the case should only wait (open: {left})")
    return case_id


def _fresh_ids(document: str) -> str:
    mapping: dict[str, str] = {}
    return _UUID.sub(lambda m: mapping.setdefault(m.group(0), str(uuid.uuid4())), document)


def copy_agreements(services: Services, templates: list[int], count: int) -> dict[int, date]:
    """`count` agreements: copies of the templates (fresh task ids); {case id: period start}."""
    starts: dict[int, date] = {}
    with services.unit_of_work() as s:
        rows = [s.get(Case, tid) for tid in templates]
        originals = [(r.workflow_json, json.dumps(r.summary), r.title, r.definition_id, r.next_timer_at,
                      r.serializer_version) for r in rows if r is not None]
        template_starts: list[date] = []
        states = [s.scalar(select(Agreement.state).where(Agreement.case_id == tid)) for tid in templates]
        for tid in templates:
            first = s.scalar(select(func.min(AgreementPayment.due)).join(Agreement).where(Agreement.case_id == tid))
            if first is None:
                raise SystemExit(f"setup: the prepared agreement {tid} has no payment plan")
            template_starts.append(first)
    projection = AgreementProjection(services.engine.events)
    for offset in range(0, count, COPY_BATCH):
        with services.unit_of_work() as s:
            muni = municipality_by_slug(s, "stenungsund")
            org = organisation_by_number(s, ORG_NUMBER)
            made = []
            for i in range(offset, min(count, offset + COPY_BATCH)):
                k = i % len(originals)
                workflow_json, summary, title, definition_id, next_timer_at, serializer = originals[k]
                now = services.clock.now()
                number = next_registration_number(s, muni, DECISION_ON.year)
                case = Case(municipality_id=muni.id, organisation_id=org.id, definition_id=definition_id,
                            registration_number=number, title=title, search_text=case_search_text(number, title),
                            status="running", current_step="", feedback=[],
                            summary=json.loads(_fresh_ids(summary)), workflow_json=_fresh_ids(workflow_json),
                            serializer_version=serializer, created_by_id=None,
                            created_at=now, updated_at=now, next_timer_at=next_timer_at)
                s.add(case)
                made.append((case, template_starts[k], states[k]))
            s.flush()
            for case, start, state in made:
                s.add(CaseEvent(case_id=case.id, at=case.created_at, actor_id=None, actor_name="bench",
                                kind="case_started", task_name=None, title="copied from a prepared agreement",
                                data={}))
                copied = json.loads(json.dumps(state))
                projection.sync(services.engine.step(s, case), [copied], copied, [])
                starts[case.id] = start
    return starts


def bench_services(url: str, folder: Path) -> Services:
    """Services on the benchmark's database with a manual clock, as deployed (SQLite synchronous=FULL)."""
    settings = Settings.from_env(instance_path=folder, database_url=url, clock="manual", sqlite_synchronous="FULL")
    return build_services(settings, ManualClock(local(DECISION_ON, wall(9, 0))))


def setup(url: str, folder: Path, agreements: int, templates: int) -> tuple[Services, dict[int, date], list[int]]:
    services = bench_services(url, folder)
    clock = services.clock
    assert isinstance(clock, ManualClock)
    prepare_database(services)
    with services.unit_of_work() as s:
        add_organisation(s, clock, ORG_NAME, ORG_NUMBER, "bank@example.org")
    spacing = max(1, 365 // templates)
    template_ids = [prepared_template(services, clock, FIRST_START + timedelta(days=k * spacing))
                    for k in range(templates)]
    starts = copy_agreements(services, template_ids, agreements)
    with services.unit_of_work() as s:  # the templates take no part in the run
        s.execute(update(Case).where(Case.id.in_(template_ids)).values(status="completed", next_timer_at=None))
    return services, starts, template_ids


# ------------------------------------------------------------------------------------ people
@dataclass
class Seen:
    """Every task people completed: (case, task name) -> the local days it had opened on."""

    opened: dict[tuple[int, str], list[date]]

    def add(self, case_id: int, name: str, day: date) -> None:
        self.opened.setdefault((case_id, name), []).append(day)


def task_data(name: str, today: str, undecided: bool) -> dict[str, Any] | None:
    if name == "pay":
        return {"paid_on": today, "payment_reference": f"VER-{today}"}
    if name == "report":
        return report_data(STATISTICS)
    if name == "review":
        return {"dialogue_date": today, "follow_up_approved": True, "follow_up_feedback": "Godkänd."}
    if name == "renewal_dialogue":
        if undecided:
            return None  # nobody decides: the deadline escalates, then the agreement lapses
        return {"meeting_date": today, "participants": "Föreningen och kommunen", "minutes": "Föreningen avstår.",
                "renewal_declined_by": "organisation"}
    if name in ("escalate_officer", "escalate_board", "escalate_hold"):
        return {"action_taken": "Noterat."}
    raise SystemExit(f"the benchmark does not know the task {name!r}")


def people(services: Services, clock: ManualClock, day: date, seen: Seen, undecided: set[int],
           shard: tuple[int, int] | None = None) -> int:
    """At 09:00 complete every open task (those that people complete at all); return how many."""
    clock.set(local(day, wall(9, 0)))
    today = day.isoformat()
    query = select(OpenTask).order_by(OpenTask.case_id, OpenTask.created_at)
    if shard is not None:
        query = query.where(OpenTask.case_id % shard[1] == shard[0])
    with services.session_factory() as s:
        rows = [(t.id, t.case_id, t.name, t.created_at) for t in s.scalars(query)]
    todo = []
    for task_id, case_id, name, created in rows:
        data = task_data(name, today, case_id in undecided)
        if data is None:
            if (case_id, name) not in seen.opened:
                seen.add(case_id, name, calendar.local_date(created))
            continue
        todo.append((task_id, case_id, name, created, data))
    done = 0
    for offset in range(0, len(todo), PEOPLE_BATCH):
        with services.unit_of_work() as s:
            for task_id, case_id, name, created, data in todo[offset:offset + PEOPLE_BATCH]:
                case = s.get(Case, case_id)
                assert case is not None
                services.engine.complete_task(s, case, task_id, None, data)
                seen.add(case_id, name, calendar.local_date(created))
                done += 1
    return done


# -------------------------------------------------------------------------------- measuring
@dataclass
class Figures:
    firings: int = 0
    sweeps: int = 0
    sweep_seconds: float = 0.0
    sweep_cpu_seconds: float = 0.0  # the sweeping processes only (with PostgreSQL the server works besides)
    people_seconds: float = 0.0
    completions: int = 0
    days: int = 0


class Sweepers:
    """The sweep at one instant: in this process, or split over `workers` scheduler processes.

    Each worker is a process of its own with its own services on the same database, as `iop
    scheduler` processes are; it takes the cases with id % workers == its number (the sweep's
    `shard`), so they do not queue behind each other's row locks (PostgreSQL) or retry (SQLite).
    The main process waits until all have finished the instant before people act."""

    def __init__(self, services: Services, url: str, folder: Path, workers: int,
                 undecided: set[int] | None = None) -> None:
        self.services = services
        self.workers = workers
        self.pipes: list[Any] = []
        self.processes: list[Any] = []
        if workers > 1:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            for k in range(workers):
                mine, theirs = context.Pipe()
                process = context.Process(target=_worker, args=(theirs, url, str(folder), k, workers,
                                                                sorted(undecided or ())), daemon=True)
                process.start()
                self.pipes.append(mine)
                self.processes.append(process)
            for pipe in self.pipes:
                pipe.recv()  # ready

    def sweep(self, moment: datetime) -> tuple[int, float]:
        """(firings, CPU seconds of the sweeping processes) for a sweep at `moment`."""
        if self.workers <= 1:
            cpu = time.process_time()
            fired = fire_due_timers(self.services, mail=False)
            return fired, time.process_time() - cpu
        for pipe in self.pipes:
            pipe.send(("sweep", moment))
        fired = cpu_seconds = 0.0
        for pipe in self.pipes:
            count, spent = pipe.recv()
            fired, cpu_seconds = fired + count, cpu_seconds + spent
        return int(fired), cpu_seconds

    def people(self, clock: ManualClock, day: date, seen: Seen, undecided: set[int]) -> int:
        """People at work (setup, not measured): in the workers too, each on its share of the cases."""
        if self.workers <= 1:
            return people(self.services, clock, day, seen, undecided)
        for pipe in self.pipes:
            pipe.send(("people", day))
        done = 0
        for pipe in self.pipes:
            count, opened = pipe.recv()
            done += count
            for case_id, name, days in opened:
                for opened_on in days:
                    seen.add(case_id, name, opened_on)
        return done

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for process in self.processes:
            process.join(timeout=30)


def _worker(pipe: Any, url: str, folder: str, k: int, n: int, undecided: list[int]) -> None:
    logging.basicConfig(level=logging.WARNING)
    services = bench_services(url, Path(folder))
    clock = services.clock
    assert isinstance(clock, ManualClock)
    pipe.send("ready")
    seen = Seen({})
    while (message := pipe.recv()) is not None:
        kind, when = message
        if kind == "sweep":
            clock.set(when)
            cpu = time.process_time()
            fired = fire_due_timers(services, mail=False, shard=(k, n))
            pipe.send((fired, time.process_time() - cpu))
        else:
            before = {key: len(days) for key, days in seen.opened.items()}
            done = people(services, clock, when, seen, set(undecided), shard=(k, n))
            news = [(case_id, name, days[before.get((case_id, name), 0):])
                    for (case_id, name), days in seen.opened.items() if len(days) > before.get((case_id, name), 0)]
            pipe.send((done, news))
    services.db.dispose()


def run(services: Services, clock: ManualClock, seen: Seen, undecided: set[int], last: date,
        with_people: bool = True, sweepers: Sweepers | None = None) -> Figures:
    figures = Figures()
    sweepers = sweepers or Sweepers(services, "", Path("."), 1)
    day = DECISION_ON + timedelta(days=1)
    while day <= last:
        clock.set(local(day))
        began = time.perf_counter()
        fired, cpu = sweepers.sweep(local(day))
        figures.firings += fired
        figures.sweep_seconds += time.perf_counter() - began
        figures.sweep_cpu_seconds += cpu
        figures.sweeps += 1
        if with_people:
            began = time.perf_counter()
            figures.completions += sweepers.people(clock, day, seen, undecided)
            figures.people_seconds += time.perf_counter() - began
        figures.days += 1
        if figures.days % 365 == 0:
            print(f"  {day}: {figures.firings} firings in {figures.sweep_seconds:.0f} s of sweeps, "
                  f"{figures.completions} tasks completed", flush=True)
        with services.session_factory() as s:
            running = s.scalar(select(func.count()).select_from(Case).where(Case.status == "running"))
            upcoming = s.scalar(select(func.min(Case.next_timer_at)).where(Case.status == "running"))
            waiting = s.scalar(select(func.count()).select_from(OpenTask))
        if not running:
            break
        following = day + timedelta(days=1)
        if upcoming is not None and not waiting:  # nothing for people to do: go straight to the next timer
            following = max(following, calendar.local_date(upcoming))
        day = following
    return figures


# ----------------------------------------------------------------------------- verification
@dataclass
class Check:
    label: str
    expected: int
    found: int
    problems: int  # missing, doubled, or on the wrong day

    @property
    def ok(self) -> bool:
        return self.problems == 0 and self.expected == self.found


def expected_of(start: date, undecided: bool) -> tuple[dict[str, list[date]], dict[str, list[date]]]:
    """(tasks by name, timer firings by element) with the local day each opens / is due."""
    conf = configured_settings(Settings.config_path / "municipalities", "stenungsund").agreement
    end = calendar.add_months(start, 12 * YEARS) - timedelta(days=1)
    next_start = end + timedelta(days=1)
    payments = [calendar.add_months(start, 12 * k) for k in range(YEARS)]
    opens = [calendar.add_months(calendar.add_months(start, 12 * y), -conf.follow_up_opens_months_before_anniversary)
             for y in range(1, YEARS + 1)]
    dialogue = calendar.add_months(end, -conf.renewal_dialogue_months_before_end)
    deadline = calendar.add_months(end, -conf.renewal_deadline_months_before_end)
    tasks = {"pay": payments, "report": opens, "review": opens, "renewal_dialogue": [dialogue]}
    timers = {"wait_next": sorted(payments + opens + [next_start]), "wait_dialogue": [dialogue]}
    if undecided:
        tasks["escalate_officer"] = tasks["escalate_board"] = [deadline]
        timers["deadline"], timers["lapse"] = [deadline], [next_start]
    return tasks, timers


def _mismatch(want: list[date], got: list[date]) -> int:
    a, b = Counter(want), Counter(got)
    return (a - b).total() + (b - a).total()


def verify(services: Services, starts: dict[int, date], undecided: set[int], seen: Seen) -> list[Check]:
    with services.session_factory() as s:
        fired = s.execute(select(CaseEvent.case_id, CaseEvent.task_name, CaseEvent.data)
                          .where(CaseEvent.kind == "timer_fired", CaseEvent.case_id.in_(select(Case.id)))).all()
        payments = s.execute(select(Agreement.case_id, AgreementPayment.due, AgreementPayment.released_on,
                                    AgreementPayment.status).join(Agreement)).all()
        running = s.scalar(select(func.count()).select_from(Case).where(Case.status == "running"))
    fired_by: dict[tuple[int, str], list[date]] = {}
    for case_id, name, data in fired:
        if case_id in starts:
            fired_by.setdefault((case_id, name), []).append(date.fromisoformat(str(data["due"])[:10]))
    groups = {"payments (pay tasks)": ["pay"], "follow-ups (report tasks)": ["report"],
              "follow-up reviews": ["review"], "renewal dialogues": ["renewal_dialogue"],
              "renewal escalations": ["escalate_officer", "escalate_board"]}
    checks = []
    for label, names in groups.items():
        expected = found = problems = 0
        for case_id, start in starts.items():
            tasks, _ = expected_of(start, case_id in undecided)
            for name in names:
                want = sorted(tasks.get(name, []))
                got = sorted(seen.opened.get((case_id, name), []))
                expected += len(want)
                found += len(got)
                problems += _mismatch(want, got)
        checks.append(Check(label, expected, found, problems))
    expected = found = problems = 0
    for case_id, start in starts.items():
        _, timers = expected_of(start, case_id in undecided)
        elements = set(timers) | {n for (c, n) in fired_by if c == case_id}
        for name in elements:
            want, got = sorted(timers.get(name, [])), sorted(fired_by.get((case_id, name), []))
            expected += len(want)
            found += len(got)
            problems += _mismatch(want, got)
    checks.append(Check("timer firings (element, due day)", expected, found, problems))
    released = [p for p in payments if p.case_id in starts]
    wrong = sum(1 for p in released if p.status != "paid" or p.released_on != p.due)
    checks.append(Check("payments released on their due day", len(starts) * YEARS, len(released), wrong))
    checks.append(Check("agreements ended", len(starts), len(starts) - int(running or 0), int(running or 0)))
    return checks


# ------------------------------------------------------------------- --minimal: the sweep alone
MINIMAL = "bench_timers_only"


def _timer(node: str, expression: str, incoming: str, outgoing: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{node}" name="{node}"><bpmn:incoming>{incoming}</bpmn:incoming>'
            f'<bpmn:outgoing>{outgoing}</bpmn:outgoing><bpmn:timerEventDefinition id="{node}_def">'
            f'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">{expression}</bpmn:timeDate>'
            f'</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


def minimal_diagram() -> str:
    """Five yearly follow-up timers in a row and, in parallel, a renewal timer nine months before the end."""
    nodes = ['<bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>',
             '<bpmn:parallelGateway id="split"><bpmn:incoming>f0</bpmn:incoming>'
             '<bpmn:outgoing>y0</bpmn:outgoing><bpmn:outgoing>r0</bpmn:outgoing></bpmn:parallelGateway>']
    flows = ['<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split" />']
    previous = "split"
    for year in range(1, YEARS + 1):
        node = f"follow_up_{year}"
        expression = f'at_local(add_months(start_date, {12 * year}), "00:00")'
        nodes.append(_timer(node, expression, f"y{year - 1}", f"y{year}"))
        flows.append(f'<bpmn:sequenceFlow id="y{year - 1}" sourceRef="{previous}" targetRef="{node}" />')
        previous = node
    flows.append(f'<bpmn:sequenceFlow id="y{YEARS}" sourceRef="{previous}" targetRef="join" />')
    nodes.append(_timer("renewal", 'at_local(months_before(end_date, 9), "00:00")', "r0", "r1"))
    flows += ['<bpmn:sequenceFlow id="r0" sourceRef="split" targetRef="renewal" />',
              '<bpmn:sequenceFlow id="r1" sourceRef="renewal" targetRef="join" />',
              '<bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="end" />']
    nodes += [f'<bpmn:parallelGateway id="join"><bpmn:incoming>y{YEARS}</bpmn:incoming>'
              '<bpmn:incoming>r1</bpmn:incoming><bpmn:outgoing>f9</bpmn:outgoing></bpmn:parallelGateway>',
              '<bpmn:endEvent id="end"><bpmn:incoming>f9</bpmn:incoming></bpmn:endEvent>']
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
            'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="bench" targetNamespace="bench">'
            f'<bpmn:process id="{MINIMAL}" name="Timers only" isExecutable="true">'
            + "".join(nodes) + "".join(flows) + "</bpmn:process></bpmn:definitions>")


def minimal_setup(url: str, folder: Path, count: int) -> tuple[Services, dict[int, date]]:
    services = bench_services(url, folder)
    clock = services.clock
    assert isinstance(clock, ManualClock)
    prepare_database(services)
    with services.unit_of_work() as s:
        services.engine.deploy(s, {"bench_timers_only.bpmn": minimal_diagram()})
        add_organisation(s, clock, ORG_NAME, ORG_NUMBER, "bank@example.org")
    starts: dict[int, date] = {}
    for offset in range(0, count, COPY_BATCH):
        with services.unit_of_work() as s:
            muni, org = municipality_by_slug(s, "stenungsund"), organisation_by_number(s, ORG_NUMBER)
            for i in range(offset, min(count, offset + COPY_BATCH)):
                start = FIRST_START + timedelta(days=i % 365)
                end = calendar.add_months(start, 12 * YEARS) - timedelta(days=1)
                case = services.engine.start_case(s, municipality=muni, organisation=org, process_id=MINIMAL,
                                                  actor=None, data={"start_date": start.isoformat(),
                                                                    "end_date": end.isoformat()})
                starts[case.id] = start
    return services, starts


def minimal_verify(services: Services, starts: dict[int, date]) -> list[Check]:
    with services.session_factory() as s:
        fired = s.execute(select(CaseEvent.case_id, CaseEvent.task_name, CaseEvent.data)
                          .where(CaseEvent.kind == "timer_fired")).all()
        running = int(s.scalar(select(func.count()).select_from(Case).where(Case.status == "running")) or 0)
    got: dict[int, list[tuple[str, date]]] = {}
    for case_id, name, data in fired:
        got.setdefault(case_id, []).append((str(name), date.fromisoformat(str(data["due"])[:10])))
    expected = found = problems = 0
    for case_id, start in starts.items():
        end = calendar.add_months(start, 12 * YEARS) - timedelta(days=1)
        want = [(f"follow_up_{y}", calendar.add_months(start, 12 * y)) for y in range(1, YEARS + 1)]
        want.append(("renewal", calendar.add_months(end, -9)))
        a, b = Counter(want), Counter(got.get(case_id, []))
        expected, found = expected + len(want), found + len(got.get(case_id, []))
        problems += (a - b).total() + (b - a).total()
    return [Check("timer firings (element, due day)", expected, found, problems),
            Check("cases ended", len(starts), len(starts) - running, running)]


# ------------------------------------------------------------------------------------- main
def database_url(db: str, folder: Path) -> tuple[str, str | None]:
    if db == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}", None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with create_engine(db).begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in db else "?"
    return f"{db}{sep}options=-csearch_path%3D{schema}", schema


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} CPUs)"


def report(db: str, diagram: str, agreements: int, figures: Figures, wall_seconds: float, setup_seconds: float,
           checks: list[Check], load_before: str, workers: int = 1) -> None:
    rate = figures.firings / figures.sweep_seconds if figures.sweep_seconds else 0.0
    peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024  # the largest process
    rows = [
        ("database", db),
        ("diagram", diagram),
        ("agreements", f"{agreements}"),
        ("simulated days (sweeps)", f"{figures.days} ({figures.sweeps})"),
        ("timer firings", f"{figures.firings}"),
        ("scheduler processes", f"{workers}"),
        ("time in sweeps", f"{figures.sweep_seconds:.1f} s wall, "
                           f"{figures.sweep_cpu_seconds:.1f} s CPU of the sweeping processes"),
        ("firings per second", f"{rate:.0f} (wall); "
                               f"{figures.firings / max(figures.sweep_cpu_seconds, 1e-9):.0f} per CPU second"),
        ("tasks completed by 'people'", f"{figures.completions} in {figures.people_seconds:.1f} s (not measured)"),
        ("setup (not measured)", f"{setup_seconds:.1f} s"),
        ("total wall time", f"{wall_seconds:.1f} s"),
        ("peak RSS", f"{peak_mb:.0f} MB"),
        ("load average before", load_before),
        ("load average after", load_average()),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print()
    print(f"{'exactly once':<36} {'expected':>9} {'found':>9} {'problems':>9}  result")
    for c in checks:
        print(f"{c.label:<36} {c.expected:>9} {c.found:>9} {c.problems:>9}  {'ok' if c.ok else 'FAILED'}")
    verdict = "ok" if all(c.ok for c in checks) else "FAILED"
    print(f"\nexactly-once check: {verdict}; target 500 firings/s: {'met' if rate >= 500 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", default="sqlite", help="'sqlite' (a temporary file) or a PostgreSQL URL "
                        "(a fresh schema in it is used and dropped)")
    parser.add_argument("--agreements", type=int, default=10_000)
    parser.add_argument("--templates", type=int, default=73, help="distinct start dates, spread over 2027")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the sweeps to FILE (one worker)")
    parser.add_argument("--workers", type=int, default=1, help="scheduler processes sweeping side by side, each "
                        "taking its share of the cases (default 1: the sweep runs in this process)")
    parser.add_argument("--minimal", action="store_true", help="not the agreement diagram: a diagram of six "
                        "timers and nothing else, to time the sweep's own machinery")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    load_before = load_average()
    folder = Path(tempfile.mkdtemp(prefix="iop-bench-"))  # the instance folder and the SQLite file
    url, schema = database_url(args.db, folder)
    began = time.perf_counter()
    try:
        if args.minimal:
            services, starts = minimal_setup(url, folder, args.agreements)
        else:
            services, starts, _ = setup(url, folder, args.agreements, min(args.templates, args.agreements))
        setup_seconds = time.perf_counter() - began
        clock = services.clock
        assert isinstance(clock, ManualClock)
        undecided = {cid for i, cid in enumerate(sorted(starts)) if i % UNDECIDED_EVERY == UNDECIDED_EVERY - 1}
        seen = Seen({})
        last = calendar.add_months(max(starts.values()), 12 * YEARS) + timedelta(days=2)
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            global fire_due_timers  # noqa: PLW0603 - profile only the sweeps
            plain = fire_due_timers

            def profiled(*a: Any, **kw: Any) -> int:
                return int(profiler.runcall(plain, *a, **kw))  # type: ignore[union-attr]

            fire_due_timers = profiled  # type: ignore[assignment]
        sweepers = Sweepers(services, url, folder, 1 if args.profile else args.workers, undecided)
        try:
            figures = run(services, clock, seen, undecided, last, with_people=not args.minimal, sweepers=sweepers)
        finally:
            sweepers.close()
        if profiler is not None:
            profiler.dump_stats(args.profile)
        checks = minimal_verify(services, starts) if args.minimal else verify(services, starts, undecided, seen)
        diagram = "six timers only (--minimal)" if args.minimal else "stenungsund_agreement"
        report(services.db.dialect.name, diagram, len(starts), figures, time.perf_counter() - began,
               setup_seconds, checks, load_before, sweepers.workers)
        services.db.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if schema:
            with create_engine(args.db).begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    if not all(c.ok for c in checks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
