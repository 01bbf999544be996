"""Benchmark: timer firings per second of the sweep, for N agreement-like cases over five years.

    .venv/bin/python bench/timers_bench.py [--cases 10000] [--database-url URL] [--step-days 30]

Each case runs a small agreement diagram: five yearly follow-up timers in a row (12, 24 … 60 months
after its start, 00:00 Stockholm) and, in parallel, a renewal timer nine months before the end. The
cases start on different days of one year. A ManualClock then walks through the five years in steps
of --step-days; after every step one sweep fires what became due (every firing committed). At the
end every case must show exactly its six firings, each with the due date computed by hand.

Not a test: it prints figures. SQLite runs in a temporary file; PostgreSQL in a fresh schema.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from multiprocessing import Queue, get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402

from app.clock import ManualClock  # noqa: E402
from app.config import Settings  # noqa: E402
from app.domain import calendar  # noqa: E402
from app.domain.accounts import add_organisation, municipality_by_slug  # noqa: E402
from app.engine.timers import fire_due_timers  # noqa: E402
from app.models import Case, CaseEvent  # noqa: E402
from app.services import Services, build_services, prepare_database  # noqa: E402

PROCESS = "bench_agreement"
YEARS = 5
FIRST_START = date(2026, 1, 1)


def _timer(node: str, expression: str, incoming: str, outgoing: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{node}" name="{node}"><bpmn:incoming>{incoming}</bpmn:incoming>'
            f'<bpmn:outgoing>{outgoing}</bpmn:outgoing><bpmn:timerEventDefinition id="{node}_def">'
            f'<bpmn:timeDate xsi:type="bpmn:tFormalExpression">{expression}</bpmn:timeDate>'
            f'</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


def diagram() -> str:
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
            f'<bpmn:process id="{PROCESS}" name="Bench agreement" isExecutable="true">'
            + "".join(nodes) + "".join(flows) + "</bpmn:process></bpmn:definitions>")


def expected_dues(start: date) -> dict[str, datetime]:
    tz = calendar.STOCKHOLM
    dues = {f"follow_up_{y}": calendar.at_local_time(calendar.add_months(start, 12 * y), wall(0, 0), tz)
            for y in range(1, YEARS + 1)}
    dues["renewal"] = calendar.at_local_time(calendar.add_months(start, 12 * YEARS - 9), wall(0, 0), tz)
    return dues


def setup(url: str, cases: int) -> tuple[Services, dict[int, date]]:
    clock = ManualClock(datetime(2025, 12, 31, 12, 0, tzinfo=UTC))
    settings = Settings.from_env(instance_path=Path(tempfile.mkdtemp(prefix="iop-bench-")), database_url=url,
                                 clock="manual", sqlite_synchronous="FULL")
    services = build_services(settings, clock)
    prepare_database(services)
    starts: dict[int, date] = {}
    with services.unit_of_work() as s:
        services.engine.deploy(s, {"bench_agreement.bpmn": diagram()})
        add_organisation(s, clock, "Bänkföreningen", "802400-0005")
    began = time.perf_counter()
    for chunk in range(0, cases, 500):
        with services.unit_of_work() as s:
            muni = municipality_by_slug(s, "stenungsund")
            from app.domain.accounts import organisation_by_number

            org = organisation_by_number(s, "802400-0005")
            for i in range(chunk, min(cases, chunk + 500)):
                start = FIRST_START + timedelta(days=i % 365)
                end = calendar.add_months(start, 12 * YEARS)
                case = services.engine.start_case(s, municipality=muni, organisation=org, process_id=PROCESS,
                                                  actor=None, data={"start_date": start.isoformat(),
                                                                    "end_date": end.isoformat()})
                starts[case.id] = start
    print(f"created {cases} cases in {time.perf_counter() - began:.1f} s")
    return services, starts


def run(services: Services, step_days: int, shard: tuple[int, int] | None = None) -> tuple[int, float, int]:
    """One scheduler: move the clock step by step and sweep after each step."""
    clock = services.clock
    assert isinstance(clock, ManualClock)
    moment = clock.now()
    last = datetime(FIRST_START.year + YEARS + 1, 1, 2, tzinfo=UTC)
    total, sweeps, busy = 0, 0, 0.0
    while moment < last:
        moment = min(moment + timedelta(days=step_days), last)
        clock.set(moment)
        began = time.perf_counter()
        total += fire_due_timers(services, shard=shard)
        busy += time.perf_counter() - began
        sweeps += 1
    return total, busy, sweeps


def _worker(settings: Settings, start: datetime, step_days: int, shard: tuple[int, int] | None,
            out: Queue) -> None:  # type: ignore[type-arg]
    services = build_services(settings, ManualClock(start))
    out.put(run(services, step_days, shard))
    services.db.dispose()


def run_parallel(services: Services, workers: int, step_days: int, shards: bool) -> tuple[int, float, int]:
    """`workers` scheduler processes sweeping the same database at the same time (each on its own clock
    walking the same steps); the sum of their firings must still be each timer exactly once. With
    `shards` each takes the cases with id % workers == k; without, they race (PostgreSQL's SKIP
    LOCKED sorts it out; on SQLite the version column makes the loser redo its batch)."""
    ctx = get_context("fork")
    out = ctx.Queue()
    services.db.dispose()
    procs = [ctx.Process(target=_worker, args=(services.settings, services.clock.now(), step_days,
                                               (k, workers) if shards else None, out))
             for k in range(workers)]
    began = time.perf_counter()
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    wall_time = time.perf_counter() - began
    print("per scheduler (firings, seconds sweeping, sweeps):", [(r[0], round(r[1], 1), r[2]) for r in results])
    return sum(r[0] for r in results), wall_time, max(r[2] for r in results)


def verify(services: Services, starts: dict[int, date]) -> None:
    with services.unit_of_work() as s:
        rows = s.execute(select(CaseEvent.case_id, CaseEvent.task_name, CaseEvent.data)
                         .where(CaseEvent.kind == "timer_fired")).all()
        running = s.scalar(select(text("count(*)")).select_from(Case).where(Case.status == "running"))
    counts = Counter((r.case_id, r.task_name) for r in rows)
    dupes = [k for k, n in counts.items() if n != 1]
    wrong = [r for r in rows if datetime.fromisoformat(r.data["due"]) != expected_dues(starts[r.case_id])[r.task_name]]
    missing = len(starts) * (YEARS + 1) - len(counts)
    print(f"verified: {len(rows)} firings, duplicates {len(dupes)}, missing {missing}, wrong due {len(wrong)}, "
          f"cases still running {running}")
    if dupes or wrong or missing or running:
        raise SystemExit("verification FAILED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (a fresh schema is used)")
    parser.add_argument("--step-days", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1, help="scheduler processes sweeping at the same time")
    parser.add_argument("--no-shards", action="store_true", help="let the workers race for the same cases")
    args = parser.parse_args()
    schema = None
    if args.database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with create_engine(args.database_url).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in args.database_url else "?"
        url = f"{args.database_url}{sep}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='iop-bench-')) / 'bench.sqlite3'}"
    try:
        services, starts = setup(url, args.cases)
        if args.workers > 1:
            total, busy, sweeps = run_parallel(services, args.workers, args.step_days, not args.no_shards)
        else:
            total, busy, sweeps = run(services, args.step_days)
        peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        print(f"database: {services.db.dialect.name}; cases: {args.cases}; schedulers: {args.workers}; "
              f"sweeps: {sweeps}")
        print(f"timer firings: {total} in {busy:.1f} s sweeping (wall): {total / busy:.0f} firings/s")
        print(f"peak memory (largest process): {peak_mb:.0f} MB")
        verify(services, starts)
        services.db.dispose()
    finally:
        if schema:
            with create_engine(args.database_url).begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
