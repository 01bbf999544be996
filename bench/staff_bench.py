"""Benchmark: the staff pages and API over 100,000 cases, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.staff_bench --db sqlite [--cases 100000] [--repeat 30] [--quick] [--json out.json]
    .venv/bin/python -m bench.staff_bench --db postgresql [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/iop_bench]

The data (bench/bigdata.py): a realistic mix of running, completed and failed cases in three
municipalities with history, open tasks, documents, agreements and payments; Stenungsund's officers hold
5,000 open tasks. It is made once and kept (SQLite: /tmp/iop_bench/staff_<cases>.sqlite3; PostgreSQL:
the database `iop_bench`, never `test`); --regenerate makes it again. Each run migrates it to the head
revision first, so new indexes are created on the kept data.

Measured: server time of each request through the Flask test client in this process (the app, its
queries and the template; no network), after warm-up requests, `--repeat` times each: the median,
the 95th percentile, the number of SQL statements per request (a before_cursor_execute listener)
and the response size. A URL that answers 404 is reported as not built yet. Not a test: it prints
figures (`make bench-staff`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import delete, event, func, select  # noqa: E402

from app.db import Base  # noqa: E402
from app.jobs.overview_refresh import refresh_overview_figures  # noqa: E402
from app.models import Case, DefinitionVersion, Municipality, OpenTask, Organisation  # noqa: E402
from app.models.overview_figures import OverviewFigures  # noqa: E402
from app.services import Services, prepare_database  # noqa: E402
from app.web.factory import create_app  # noqa: E402
from bench.bigdata import PASSWORD, Generated, bench_services, from_json, generate, reset_postgres, summary_line  # noqa: E402
from bench.bigdata import to_json as generated_json  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/iop_bench"
CACHE = Path("/tmp/iop_bench")
TARGET_MS = 100.0
INBOX_TARGET_MS = 20.0
NO_TARGET = 0.0  # measured for the record: not a page request (a background job, or the path without one)
DEEP_PAGES = 1000
SHOW_SQL = False
ONLY: str | None = None
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Result:
    name: str
    url: str
    who: str
    status: int
    median_ms: float
    p95_ms: float
    cpu_ms: float  # median CPU time of this process (on SQLite the whole server; on PostgreSQL without the server)
    sql_ms: float  # median time spent in the database driver
    sql: int  # statements per request (the most seen)
    sql_min: int
    kb: float
    target_ms: float
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and (self.target_ms == NO_TARGET or self.p95_ms < self.target_ms)

    @property
    def verdict(self) -> str:
        if self.target_ms == NO_TARGET:
            return "no target" if self.status == 200 else "FAILED"
        return f"<{self.target_ms:.0f} ms {'ok' if self.ok else 'MISSED'}"


class Counter:
    """Counts the SQL statements; keeps the last ones with their durations (for --show-sql)."""

    def __init__(self, services: Services) -> None:
        self.count = 0
        self.sql_ms = 0.0
        self.recent: list[tuple[float, str, Any]] = []
        self._started = 0.0
        event.listen(services.db, "before_cursor_execute", self._before)
        event.listen(services.db, "after_cursor_execute", self._after)

    def _before(self, *_args: Any) -> None:
        self.count += 1
        self._started = time.perf_counter()

    def _after(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        spent = (time.perf_counter() - self._started) * 1000
        self.sql_ms += spent
        self.recent.append((spent, statement, parameters))
        del self.recent[:-200]

    def slowest(self, since: int, top: int = 2) -> list[tuple[float, str, Any]]:
        return sorted(self.recent[since:], key=lambda r: -r[0])[:top]


def machine_speed_ms() -> float:
    """The same fixed work on every machine (a 10,000,000-step loop of additions in pure Python), best of three:
    figures measured on machines whose speeds differ are compared through it."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# ------------------------------------------------------------------------------------ the data
def open_database(db: str, cases: int, regenerate: bool, pg_url: str,
                  log: Callable[[str], None]) -> tuple[Services, Generated]:
    CACHE.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        path = CACHE / f"staff_{cases}.sqlite3"
        url = f"sqlite:///{path}"
        meta = path.with_suffix(".json")
    else:
        url = pg_url
        meta = CACHE / f"pg_{url.rsplit('/', 1)[-1]}_{cases}.json"
    services = bench_services(url, CACHE / "instance")
    fresh = regenerate or not meta.exists()
    if not fresh:
        try:
            with services.db.connect() as conn:
                fresh = (conn.scalar(select(func.count()).select_from(Case)) or 0) < cases
        except Exception:  # noqa: BLE001 - no tables yet
            fresh = True
    if fresh:
        services.db.dispose()
        meta.unlink(missing_ok=True)
        if db == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            reset_postgres(url)
        services = bench_services(url, CACHE / "instance")
        log(f"generating {cases} cases on {db} ...")
        made = generate(services, cases, log=log)
        meta.write_text(json.dumps(generated_json(made)))
    else:
        made = from_json(meta.read_text())
        started = time.perf_counter()
        prepare_database(services)  # new migrations (indexes) on the kept data
        with services.db.begin() as conn:  # indexes added to a revision the kept data had passed already
            for table in Base.metadata.sorted_tables:
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
        log(f"kept data migrated to head in {time.perf_counter() - started:.1f} s")
    log(summary_line(made))
    return services, made


# ---------------------------------------------------------------------------------- the clients
def page_client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    found = _TOKEN.search(client.get("/login").get_data(as_text=True))
    if not found:
        raise SystemExit("no CSRF token on /login")
    resp = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": found.group(1)})
    if resp.status_code != 302:
        raise SystemExit(f"log-in as {username} failed: {resp.status_code}")
    return client


class ApiClient:
    def __init__(self, app: Flask, username: str) -> None:
        self.client = app.test_client()
        resp = self.client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        if resp.status_code != 200:
            raise SystemExit(f"token for {username} failed: {resp.status_code}")
        self.headers = {"Authorization": f"Bearer {resp.get_json()['token']}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, headers=self.headers)


# ---------------------------------------------------------------------------------- measuring
def measure(name: str, who: str, get: Callable[[str], Any], url: str, counter: Counter, repeat: int,
            warmup: int, target_ms: float = TARGET_MS) -> Result:
    for _ in range(warmup):
        resp = get(url)
        if resp.status_code == 404:
            return Result(name, url, who, 404, 0, 0, 0, 0, 0, 0, 0, target_ms, "not yet built (404)")
    times, sqls, cpus, dbs = [], [], [], []
    status, size = 0, 0
    for _ in range(repeat):
        before = counter.count
        counter.recent.clear()
        counter.sql_ms = 0.0
        c0 = time.process_time()
        t0 = time.perf_counter()
        resp = get(url)
        size = len(resp.get_data())
        times.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
        dbs.append(counter.sql_ms)
        sqls.append(counter.count - before)
        status = resp.status_code
    note = "" if status == 200 else f"status {status}: {resp.get_data(as_text=True)[:120]!r}"
    if SHOW_SQL:
        for ms, statement, params in counter.slowest(0):
            note += f"\n      {ms:.1f} ms: {' '.join(statement.split())[:1500]}  {str(params)[:200]}"
    return Result(name, url, who, status, round(statistics.median(times), 1), round(percentile(times, 95), 1),
                  round(statistics.median(cpus), 1), round(statistics.median(dbs), 1), max(sqls), min(sqls),
                  round(size / 1024, 1), target_ms, note)


def background(name: str, work: Callable[[], Any], repeat: int, warmup: int) -> Result:
    """A job the scheduler runs (no request): its duration, measured like a request's."""
    for _ in range(warmup):
        work()
    times, cpus = [], []
    for _ in range(max(3, repeat // 3)):
        c0 = time.process_time()
        t0 = time.perf_counter()
        work()
        times.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return Result(name, "", "scheduler", 200, round(statistics.median(times), 1), round(percentile(times, 95), 1),
                  round(statistics.median(cpus), 1), 0, 0, 0, 0, NO_TARGET, "in the background: no request waits")


def _q(base: str, **params: Any) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def sample_values(services: Services) -> dict[str, Any]:
    """Filter values taken from the data: an organisation with cases, a current step, a registration number,
    a process version with cases."""
    with services.session_factory() as s:
        st = s.scalars(select(Municipality).where(Municipality.slug == "stenungsund")).one()
        org = s.execute(select(Organisation.org_number, Organisation.name)
                        .join(Case, Case.organisation_id == Organisation.id)
                        .where(Case.municipality_id == st.id).group_by(Organisation.id, Organisation.org_number,
                                                                       Organisation.name)
                        .order_by(func.count().desc()).limit(1)).one()
        task = s.execute(select(OpenTask.name, func.count()).where(OpenTask.municipality_id == st.id)
                         .group_by(OpenTask.name).order_by(func.count().desc()).limit(1)).one()
        reg = s.scalar(select(Case.registration_number).where(Case.municipality_id == st.id, Case.status == "running")
                       .order_by(Case.id.desc()).limit(1))
        # the version most cases run on (a version deployed after the data was made has none)
        version = s.scalar(select(DefinitionVersion.version).join(Case, Case.definition_id == DefinitionVersion.id)
                           .where(DefinitionVersion.process_id == "stenungsund_agreement")
                           .group_by(DefinitionVersion.version).order_by(func.count().desc()).limit(1))
        failed = s.scalar(select(Case.id).where(Case.status == "failed").order_by(Case.id.desc()).limit(1))
    return {"org_number": org[0], "org_name": org[1], "step": task[0], "registration": reg,
            "version": version, "failed_case": failed}


def follow(api: ApiClient, url: str, pages: int) -> tuple[str | None, int]:
    """The cursor `pages` pages on (or an offset when the list has no cursor), and the pages walked."""
    after: str | None = None
    walked = 0
    for _ in range(pages):
        resp = api.get(url + (("&" if "?" in url else "?") + urlencode({"after": after}) if after else ""))
        if resp.status_code != 200:
            return None, walked
        body = resp.get_json()
        if not body.get("next"):
            return after, walked
        after = body["next"]
        walked += 1
    return after, walked


def run(services: Services, made: Generated, repeat: int, warmup: int, deep_pages: int,
        log: Callable[[str], None]) -> list[Result]:
    """Measure every request; logging is off meanwhile (a failing page shows as its status in the table, not as a
    trace) and back as it was afterwards, so a caller in the same process (the tiny test) keeps its logs."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        return _measure_all(services, made, repeat, warmup, deep_pages, log)
    finally:
        logging.disable(previous)


def _measure_all(services: Services, made: Generated, repeat: int, warmup: int, deep_pages: int,
                 log: Callable[[str], None]) -> list[Result]:
    app = create_app(services.settings, services=services)
    counter = Counter(services)
    admin = page_client(app, "bench_admin")
    officer = page_client(app, "bench_officer")
    api_officer = ApiClient(app, "bench_officer")
    api_admin = ApiClient(app, "bench_admin")
    v = sample_values(services)
    results: list[Result] = []

    def add(name: str, who: str, get: Callable[[str], Any], url: str, target: float = TARGET_MS) -> None:
        if ONLY and not any(part in name for part in ONLY.split("|")):
            return
        r = measure(name, who, get, url, counter, repeat, warmup, target)
        results.append(r)
        log(line(r))

    def afresh(get: Callable[[str], Any]) -> Callable[[str], Any]:
        """`get` with the overview's stored calendar and money gone: the request computes and stores them, as
        the first request after IOP_OVERVIEW_CACHE_SECONDS does where no scheduler runs."""
        def cold(url: str) -> Any:
            with services.session_factory() as s:
                s.execute(delete(OverviewFigures))
                s.commit()
            return get(url)
        return cold

    log(header())
    if not ONLY or any(part in "overview figures refreshed" for part in ONLY.split("|")):
        results.append(background("overview figures refreshed (scheduler job, every scope)",
                                  lambda: refresh_overview_figures(services), repeat, warmup))
        log(line(results[-1]))
    add("overview /admin/", "admin (all)", admin.get, "/admin/")
    add("overview /admin/ one municipality", "admin (all)", admin.get, _q("/admin/", municipality="stenungsund"))
    add("overview /admin/ figures computed (no scheduler)", "admin (all)", afresh(admin.get), "/admin/", NO_TARGET)
    add("overview /admin/ one municipality, computed (no scheduler)", "admin (all)", afresh(admin.get),
        _q("/admin/", municipality="stenungsund"), NO_TARGET)

    filters: list[tuple[str, dict[str, Any]]] = [
        ("no filter", {}),
        ("status=running", {"status": "running"}),
        ("status=failed", {"status": "failed"}),
        ("organisation", {"organisation": v["org_number"]}),
        ("process", {"process": "stenungsund_agreement"}),
        ("process+version", {"process": "stenungsund_agreement", "version": v["version"]}),
        ("step", {"step": v["step"]}),
        ("role=officer", {"role": "officer"}),
        ("overdue", {"overdue": "1"}),
        ("due_within_days=30", {"due_within_days": "30"}),
        ("q=registration", {"q": v["registration"]}),
        ("q=word", {"q": "Läxhjälp"}),
        ("sort=registration", {"sort": "registration"}),
        ("sort=-updated", {"sort": "-updated"}),
    ]
    for label, params in filters:
        add(f"case list {label}", "officer (Stenungsund)", officer.get, _q("/cases/", **params))
    add("case list no filter", "admin (all)", admin.get, "/cases/")
    for label, params in filters:
        add(f"API cases {label}", "officer (Stenungsund)", api_officer.get, _q("/api/v1/cases", **params))
    add("API cases no filter", "admin (all)", api_admin.get, "/api/v1/cases")

    # deep pages: walk the cursor 500 rows at a time, then measure the page of 50 it points at
    started = time.perf_counter()
    walk = not ONLY or "page" in ONLY  # (a long walk: skipped when only other requests are measured)
    cursor, walked = follow(api_admin, "/api/v1/cases?limit=500", max(1, deep_pages // 10)) if walk else (None, 0)
    if walk:
        log(f"  (walked {walked * 500} rows through GET /api/v1/cases in {time.perf_counter() - started:.1f} s)")
    if cursor:
        page = walked * 10 + 1
        add(f"API cases page {page} of 50", "admin (all)", api_admin.get, _q("/api/v1/cases", limit=50, after=cursor))
        add(f"case list page {page}", "admin (all)", admin.get, _q("/cases/", after=cursor))
    else:
        deep = deep_pages * 50
        add(f"API cases offset {deep}", "admin (all)", api_admin.get, _q("/api/v1/cases", limit=50, offset=deep))
    add("case page (longest history)", "admin (all)", admin.get, f"/cases/{made.long_case_id}")
    if v["failed_case"]:
        add("case page (failed)", "admin (all)", admin.get, f"/cases/{v['failed_case']}")
    add("API case (longest history)", "admin (all)", api_admin.get, f"/api/v1/cases/{made.long_case_id}")

    add("inbox /tasks/", "officer (5,000 tasks)", officer.get, "/tasks/", INBOX_TARGET_MS)
    add("inbox /tasks/ search", "officer (5,000 tasks)", officer.get, _q("/tasks/", q="Lämna"), INBOX_TARGET_MS)
    for limit in (50, 500):
        add(f"API tasks limit={limit}", "officer (5,000 tasks)", api_officer.get, _q("/api/v1/tasks", limit=limit),
            INBOX_TARGET_MS)
    cursor, walked = follow(api_officer, "/api/v1/tasks?limit=50", 20)
    if cursor:
        add(f"API tasks page {walked + 1}", "officer (5,000 tasks)", api_officer.get,
            _q("/api/v1/tasks", limit=50, after=cursor), INBOX_TARGET_MS)
    return results


def header() -> str:
    return (f"{'request':<42} {'as':<22} {'code':>4} {'median':>8} {'p95':>8} {'cpu':>8} {'in db':>8} {'SQL':>5} "
            f"{'KB':>7}  target")


def line(r: Result) -> str:
    if r.status == 404:
        return f"{r.name:<42} {r.who:<22} {r.status:>4} {'':>8} {'':>8} {'':>8} {'':>8} {'':>5} {'':>7}  {r.note}"
    sql = f"{r.sql}" if r.sql == r.sql_min else f"{r.sql_min}-{r.sql}"
    return (f"{r.name:<42} {r.who:<22} {r.status:>4} {r.median_ms:>6.1f}ms {r.p95_ms:>6.1f}ms {r.cpu_ms:>6.1f}ms "
            f"{r.sql_ms:>6.1f}ms {sql:>5} {r.kb:>7.1f}  {r.verdict} {r.note}")


def markdown(results: list[Result]) -> str:
    """The figures as a Markdown table (docs/benchmarks.md)."""
    out = ["| request | as | status | median ms | p95 ms | CPU ms | SQL | KB | target |",
           "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for r in results:
        if r.status == 404:
            out.append(f"| {r.name} | {r.who} | 404 | | | | | | not built yet |")
            continue
        sql = f"{r.sql}" if r.sql == r.sql_min else f"{r.sql_min}-{r.sql}"
        out.append(f"| {r.name} | {r.who} | {r.status} | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.cpu_ms:.1f} | {sql} "
                   f"| {r.kb:.0f} | {_md_target(r)} |")
    return "\n".join(out)


def _md_target(r: Result) -> str:
    if r.target_ms == NO_TARGET:
        return "none (" + (r.note or "computed where no scheduler runs") + ")"
    return f"< {r.target_ms:.0f} ms: {'ok' if r.ok else '**missed**'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="3 requests each, 1 warm-up, 5 pages deep")
    parser.add_argument("--regenerate", action="store_true", help="make the data again")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--show-sql", action="store_true", help="print the two slowest statements of each request")
    parser.add_argument("--only", help="measure only the requests whose name contains this (or one of the "
                        "texts separated by |)")
    parser.add_argument("--markdown", action="store_true", help="also print the figures as a Markdown table")
    args = parser.parse_args(argv)
    global SHOW_SQL, ONLY
    SHOW_SQL, ONLY = args.show_sql, args.only
    repeat, warmup, deep = (3, 1, 5) if args.quick else (args.repeat, 3, DEEP_PAGES)

    def log(text: str) -> None:
        print(text, flush=True)

    speed = machine_speed_ms()
    log(f"this machine: the 10,000,000-step reference loop took {speed:.0f} ms (lower is faster)")
    services, made = open_database(args.db, args.cases, args.regenerate, args.pg_url, log)
    try:
        results = run(services, made, repeat, warmup, deep, log)
    finally:
        services.db.dispose()
    missed = [r.name for r in results if r.status == 200 and not r.ok]
    missing = [r.name for r in results if r.status == 404]
    log(f"\n{len(results) - len(missed) - len(missing)} within target, {len(missed)} missed, "
        f"{len(missing)} not built yet")
    if args.markdown:
        load = os.getloadavg()
        log(f"\nload average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs\n")
        log(markdown(results))
    if args.json:
        Path(args.json).write_text(json.dumps({"db": args.db, "data": generated_json(made), "repeat": repeat,
                                               "load_average": os.getloadavg(), "cpus": os.cpu_count(),
                                               "reference_loop_ms": speed,
                                               "results": [asdict(r) | {"ok": r.ok} for r in results]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
