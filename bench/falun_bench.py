"""Benchmark: the whole Falun flow through the engine with persistence vs SpiffWorkflow in memory,
and the cost of one task completion (engine + commit, and through the HTTP API) with many cases stored.

    .venv/bin/python bench/falun_bench.py [--cases 300] [--background 10000] [--database-url URL]

Not a test: it prints figures. Every completed task is committed before its call returns.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from app.config import Settings  # noqa: E402
from app.core.clock import ManualClock  # noqa: E402
from app.domain.accounts import add_organisation, add_user  # noqa: E402
from app.driving.api_driver import ApiDriver  # noqa: E402
from app.driving.case_driver import CaseDriver  # noqa: E402
from app.models import Case  # noqa: E402
from app.services import Services, build_services, prepare_database  # noqa: E402
from tests.falun_steps import HAPPY_PATH  # noqa: E402

PASSWORD = "bench-password-1"
ORG_NUMBER = "802400-0005"


def in_memory(cases: int) -> float:
    """Cases per second for the Falun happy path in SpiffWorkflow alone, nothing persisted."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(ROOT / "processes" / "falun_initiative.bpmn"))
    spec = parser.get_spec("falun_initiative")
    subs = parser.get_subprocess_specs("falun_initiative")
    started = time.perf_counter()
    for _ in range(cases):
        wf = BpmnWorkflow(spec, subs)
        wf.do_engine_steps()
        for name, _actor, data in HAPPY_PATH:
            [task] = [t for t in wf.get_tasks(state=TaskState.READY, manual=True)]
            assert task.task_spec.bpmn_id == name
            task.data.update(data)
            task.run()
            wf.do_engine_steps()
        assert wf.is_completed()
    return cases / (time.perf_counter() - started)


def make_services(url: str | None, workdir: Path) -> Services:
    settings = Settings.from_env(instance_path=workdir / "instance",
                                 database_url=url or f"sqlite:///{workdir / 'bench.sqlite3'}",
                                 secret_key="bench", clock="manual")
    svc = build_services(settings, ManualClock(datetime(2026, 11, 23, 8, tzinfo=UTC)))
    if svc.db.dialect.name == "postgresql":
        with svc.db.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    prepare_database(svc)
    with svc.unit_of_work() as s:
        org = add_organisation(s, svc.clock, "Benchföreningen", ORG_NUMBER)
        add_user(s, svc.clock, "b_org", PASSWORD, "organisation", organisation=org.org_number)
        add_user(s, svc.clock, "b_lawyer", PASSWORD, "lawyer", municipality="falun")
        add_user(s, svc.clock, "b_officer", PASSWORD, "officer", municipality="falun")
    return svc


def engine_flow(svc: Services, cases: int, timings: list[float] | None = None) -> float:
    """Cases per second for the whole flow through the engine, each step in its own committed transaction
    (app.driving.case_driver; `timings` gets each completion's own transaction, the task lookup before it not)."""
    started = time.perf_counter()
    for _ in range(cases):
        driver = CaseDriver.start(svc, "falun", ORG_NUMBER, process_id="falun_initiative")
        for name, _actor, data in HAPPY_PATH:
            [task] = driver.open_tasks()
            assert task.name == name
            t0 = time.perf_counter()
            driver.complete(name, data, task=task)
            if timings is not None:
                timings.append((time.perf_counter() - t0) * 1000)
    return cases / (time.perf_counter() - started)


def fill_background(svc: Services, target: int) -> None:
    """Bring the database to `target` cases by copying a finished case's rows in bulk."""
    with svc.unit_of_work() as s:
        have = s.scalar(select(func.count(Case.id))) or 0
        if have >= target:
            return
        template = s.scalars(select(Case).where(Case.status == "completed")).first()
        assert template is not None
        cols = [c.name for c in Case.__table__.columns if c.name != "id"]
        rows = []
        for i in range(target - have):
            row = {c: getattr(template, c) for c in cols}
            row["registration_number"] = f"BG {i:07d}"
            rows.append(row)
        for start in range(0, len(rows), 1000):
            s.execute(Case.__table__.insert(), rows[start:start + 1000])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def http_flow(svc: Services, cases: int) -> list[float]:
    """Milliseconds per task completion through the JSON API on a real HTTP server (keep-alive)."""
    from werkzeug.serving import make_server

    from app.web.factory import create_app

    app = create_app(svc.settings, services=svc)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.socket.getsockname()[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def caller(token: str | None) -> ApiDriver:
        def call(method: str, path: str, body: Any) -> tuple[int, Any]:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read() or b"null")

        return ApiDriver(call)

    anonymous = caller(None)
    tokens = {role: anonymous.expect(200, "POST", "/api/v1/auth/token", {"username": user, "password": PASSWORD})
              ["token"] for role, user in (("org_a", "b_org"), ("lawyer", "b_lawyer"), ("officer", "b_officer"))}
    drivers = {role: caller(token) for role, token in tokens.items()}
    timings: list[float] = []
    try:
        for _ in range(cases):
            case = drivers["org_a"].start("falun")
            for name, actor, data in HAPPY_PATH:
                task = drivers[actor].task(case["id"], name)
                t0 = time.perf_counter()
                drivers[actor].complete_task(str(task["id"]), data)
                timings.append((time.perf_counter() - t0) * 1000)
    finally:
        conn.close()
        server.shutdown()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=300, help="cases run through the whole flow")
    parser.add_argument("--background", type=int, default=10_000, help="cases stored before timing tasks")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        svc = make_services(args.database_url, Path(tmp))
        print(f"database: {svc.db.dialect.name}; flow: Falun happy path, {len(HAPPY_PATH)} user tasks")
        engine_flow(svc, 10)  # warm caches
        memory_rate = in_memory(args.cases)
        engine_rate = engine_flow(svc, args.cases)
        print(f"in memory (SpiffWorkflow alone):      {memory_rate:8.1f} cases/s")
        print(f"engine + persistence, commit per task: {engine_rate:8.1f} cases/s  "
              f"(ratio {engine_rate / memory_rate:.2f})")
        fill_background(svc, args.background)
        with svc.unit_of_work() as s:
            total = s.scalar(select(func.count(Case.id)))
        timings: list[float] = []
        engine_flow(svc, max(20, args.cases // 3), timings)
        print(f"engine task completion with {total} cases stored: median {statistics.median(timings):.2f} ms, "
              f"p95 {percentile(timings, 95):.2f} ms (n={len(timings)})")
        api = http_flow(svc, max(20, args.cases // 3))
        print(f"HTTP API task completion:               median {statistics.median(api):.2f} ms, "
              f"p95 {percentile(api, 95):.2f} ms (n={len(api)})")
        with svc.unit_of_work() as s:
            done = s.scalars(select(Case.id).where(Case.status == "completed",
                                                   ~Case.registration_number.like("BG %")).limit(1)).first()
            events = s.scalar(text("SELECT count(*) FROM case_events WHERE case_id = :c"), {"c": done})
        print(f"rows per finished case: 1 case row + {events} history events "
              f"(open-task rows are inserted and deleted as tasks open and close)")
        svc.db.dispose()


if __name__ == "__main__":
    main()
