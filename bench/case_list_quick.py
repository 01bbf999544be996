"""A quick, rough benchmark of the case list alone (/cases/ and GET /api/v1/cases) over bulk-inserted cases.

    .venv/bin/python -m bench.case_list_quick [--cases 100000] [--repeat 20] [--db sqlite:///PATH]

The rows are inserted directly (no workflows run): 100,000 cases over three municipalities (Stenungsund has
half), 300 organisations, a mix of statuses, a 3 kB workflow_json each (so a scan of `cases` costs what it
would), and about 5,000 open tasks with roles and due dates. The database is made once and kept
(/tmp/iop_bench/case_list_<cases>.sqlite3 by default). Server time per request through the Flask test client,
median and p95 of --repeat runs after two warm-ups, and the SQL statements per request. The full benchmark with
realistic histories is bench/staff_bench.py.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, insert, select  # noqa: E402

from app.config import Settings  # noqa: E402
from app.core.clock import ManualClock  # noqa: E402
from app.core.search import case_search_text, folded, task_search_text  # noqa: E402
from app.domain.accounts import add_user  # noqa: E402
from app.models import Case, DefinitionVersion, Municipality, OpenTask, Organisation  # noqa: E402
from app.services import build_services, prepare_database  # noqa: E402
from app.web.factory import create_app  # noqa: E402
from tests.conftest import START  # noqa: E402

PASSWORD = "bench-password-1"
STEPS = [("legal_assessment", "Juridisk bedömning", "lawyer"), ("department_decision", "Förvaltningens beslut",
         "officer"), ("board_decision", "Nämndens beslut", "board"), ("pay", "Betala ut", "finance"),
         ("follow_up", "Uppföljning", "organisation")]


def generate(services: Any, cases: int) -> None:
    rnd = random.Random(11)
    with services.unit_of_work() as s:
        munis = {m.slug: m.id for m in s.scalars(select(Municipality))}
        definition = s.scalar(select(DefinitionVersion.id)
                              .where(DefinitionVersion.process_id == "stenungsund_agreement"))
        words = ["Läxhjälp", "Kvinnojour", "Idrott"]
        names = [f"Förening {n:03d} {rnd.choice(words)}" for n in range(300)]
        s.execute(insert(Organisation), [{"name": name, "search_name": folded(name),
                                          "org_number": f"80{n:04d}-{n:04d}", "created_at": START}
                                         for n, name in enumerate(names)])
        orgs = list(s.scalars(select(Organisation.id)))
        add_user(s, services.clock, "bench_officer", PASSWORD, "officer", municipality="stenungsund")
        add_user(s, services.clock, "bench_admin", PASSWORD, "admin")
    blob = '{"x": "' + "y" * 3000 + '"}'
    slugs = ["stenungsund", "stenungsund", "falun", "gavle"]
    tasks_left = 5000
    batch: list[dict[str, Any]] = []
    with services.db.begin() as conn:
        for n in range(cases):
            status = rnd.choices(["running", "completed", "failed"], [60, 37, 3])[0]
            created = START - timedelta(days=rnd.randint(0, 2000), minutes=rnd.randint(0, 1440))
            number = f"KS {created.year}/{n:06d}"
            batch.append({"municipality_id": munis[slugs[n % 4]], "organisation_id": rnd.choice(orgs),
                          "definition_id": definition, "registration_number": number, "title": f"IOP {n}",
                          "search_text": case_search_text(number, f"IOP {n}"), "status": status,
                          "current_step": "", "feedback": [], "summary": {},
                          "workflow_json": blob, "serializer_version": "1", "created_at": created,
                          "updated_at": created + timedelta(days=rnd.randint(0, 300)), "version": 1})
            if len(batch) == 5000:
                conn.execute(insert(Case), batch)
                batch = []
        if batch:
            conn.execute(insert(Case), batch)
        running = list(conn.execute(select(Case.id, Case.municipality_id, Case.organisation_id,
                                           Case.registration_number).where(Case.status == "running")))
        rnd.shuffle(running)
        rows = []
        for case_id, muni, org, number in running[:tasks_left]:
            name, title, role = rnd.choice(STEPS)
            rows.append({"id": str(uuid.uuid4()), "case_id": case_id, "municipality_id": muni, "organisation_id": org,
                         "registration_number": number, "search_text": task_search_text(title, number),
                         "name": name, "title": title, "role": role, "created_at": START, "meta": {},
                         "due_at": START + timedelta(days=rnd.randint(-60, 120)) if rnd.random() < 0.8 else None})
        conn.execute(insert(OpenTask), rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", default="")
    parser.add_argument("--only", default="", help="measure only the lines whose name holds this text")
    args = parser.parse_args()
    path = Path("/tmp/iop_bench") / f"case_list_{args.cases}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{path}"
    settings = Settings.from_env(instance_path=Path("/tmp/iop_bench/instance_case_list"), database_url=url,
                                 secret_key="bench", clock="manual")
    services = build_services(settings, ManualClock(START))
    prepare_database(services)
    with services.session_factory() as s:
        have = s.scalar(select(func.count()).select_from(Case)) or 0
    if have < args.cases:
        started = time.perf_counter()
        generate(services, args.cases)
        print(f"generated {args.cases} cases in {time.perf_counter() - started:.0f} s", flush=True)
    app = create_app(settings, services=services)
    statements = [0]
    event.listen(services.db, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))

    page = app.test_client()
    token = page.get("/login").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    page.post("/login", data={"username": "bench_officer", "password": PASSWORD, "csrf_token": token})
    api = app.test_client()
    bearer = api.post("/api/v1/auth/token", json={"username": "bench_officer", "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {bearer['token']}"}
    with services.session_factory() as s:
        org = s.scalar(select(Organisation.org_number).order_by(Organisation.id).limit(1))
        reg = s.scalar(select(Case.registration_number).order_by(Case.id.desc()).limit(1))
    filters: list[tuple[str, dict[str, str]]] = [
        ("no filter", {}), ("status=running", {"status": "running"}), ("status=failed", {"status": "failed"}),
        ("organisation number", {"organisation": org or ""}), ("organisation name", {"organisation": "Kvinnojour"}),
        ("process+version", {"process": "stenungsund_agreement", "version": "1"}),
        ("step", {"step": "pay"}), ("role=lawyer", {"role": "lawyer"}), ("overdue", {"overdue": "1"}),
        ("due_within_days=7", {"due_within_days": "7"}), ("registration prefix", {"registration": reg or ""}),
        ("q=word", {"q": "Läxhjälp"}), ("q=registration", {"q": reg or ""}),
    ] + [(f"sort={s}", {"sort": s}) for s in ("registration", "-registration", "organisation", "-organisation",
                                              "created", "updated", "-updated", "due", "-due")]

    def time_it(name: str, get: Any) -> None:
        if args.only and args.only not in name:
            return
        for _ in range(2):
            get()
        times = []
        count = 0
        for _ in range(args.repeat):
            before = statements[0]
            t0 = time.perf_counter()
            resp = get()
            times.append((time.perf_counter() - t0) * 1000)
            count = statements[0] - before
            assert resp.status_code == 200, (name, resp.status_code)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
        print(f"{name:45s} min {times[0]:6.1f}  median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms"
              f"  {count:2d} SQL", flush=True)

    for label, params in filters:
        query = urlencode(params)
        time_it(f"page {label}", lambda q=query: page.get(f"/cases/?{q}"))
        time_it(f"API  {label}", lambda q=query: api.get(f"/api/v1/cases?{q}", headers=headers))
    # deep pages: walk 500 rows at a time to about row 40,000, then time the page of 50 there
    for sort in ("-created", "registration", "due"):
        after = None
        for _ in range(80):
            params = {"sort": sort, "limit": 500, **({"after": after} if after else {})}
            body = api.get(f"/api/v1/cases?{urlencode(params)}", headers=headers).get_json()
            after = body["next"] or after
        deep = urlencode({"sort": sort, "after": after})
        time_it(f"page deep (row ~40,000) sort={sort}", lambda q=deep: page.get(f"/cases/?{q}"))
        time_it(f"API  deep (row ~40,000) sort={sort}", lambda q=deep: api.get(f"/api/v1/cases?{q}", headers=headers))
    t0 = time.perf_counter()
    resp = api.get("/api/v1/cases?format=csv&status=running", headers=headers)
    size = len(resp.get_data())
    print(f"CSV status=running (all rows): {size // 1024} kB in {(time.perf_counter() - t0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
