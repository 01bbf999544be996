"""The inbox of a role with 5,000 open tasks: server time and SQL statements of GET /api/v1/tasks (limit 50
and 500) and of the page /tasks/ (first page and a later one), on a SQLite file.

    .venv/bin/python -m bench.inbox_bench [--tasks 5000] [--rounds 30] [--database URL]

How: a fresh database is migrated and the demo is loaded (real cases driven through the engine); then
Stenungsund's officer tasks (the demo's templates: the renewal dialogue, the held payment, the economic plan)
are cloned with SQLAlchemy Core bulk inserts: per clone a case row (its template's workflow, a new
registration number, one of a few hundred organisations) and its open task (a new id, a due date spread
over three months around today, one in ten without a due date, one in twenty claimed by the officer).
Requests go through the Flask test client in-process; the time is measured around each request.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert, select, text

from app.config import Settings
from app.core.clock import ManualClock
from app.core.search import case_search_text, folded, task_search_text
from app.domain.orgnumber import with_check_digit
from app.models import Case, Municipality, OpenTask, Organisation, User
from app.services import Services, build_services, prepare_database
from app.web.factory import create_app

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def clone_open_tasks(services: Services, *, role: str, municipality: str, count: int, seed: int = 11,
                     organisations: int = 300, claimed_by: int | None = None) -> int:
    """Add `count` open tasks of `role` in `municipality`, each on a case of its own, copied from the open
    tasks (and their cases) already there; returns how many were added."""
    rng = random.Random(seed)
    now = services.clock.now()
    with services.unit_of_work() as s:
        muni = s.scalars(select(Municipality).where(Municipality.slug == municipality)).one()
        templates = list(s.execute(select(OpenTask, Case).join(Case, Case.id == OpenTask.case_id)
                                   .where(OpenTask.role == role, OpenTask.municipality_id == muni.id)).all())
        assert templates, f"no {role} task in {municipality} to copy"
        first_org = (s.scalar(select(Organisation.id).order_by(Organisation.id.desc()).limit(1)) or 0) + 1
        org_rows = [{"name": f"{rng.choice(['Föreningen', 'Stiftelsen', 'Kooperativet'])} "
                             f"{rng.choice(['Gemenskap', 'Framtid', 'Mötesplats', 'Läxhjälp', 'Trygghet'])} {i}",
                     "org_number": with_check_digit(f"8{first_org + i:08d}"), "email": f"org{i}@bench.example",
                     "created_at": now} for i in range(organisations)]
        for org in org_rows:
            org["search_name"] = folded(org["name"])
        org_columns = {c.name for c in Organisation.__table__.columns}
        s.execute(insert(Organisation), [{k: v for k, v in row.items() if k in org_columns} for row in org_rows])
        org_ids = list(s.scalars(select(Organisation.id).where(Organisation.id >= first_org)))
        next_case = (s.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0) + 1
        case_cols = [c.name for c in Case.__table__.columns]
        task_cols = [c.name for c in OpenTask.__table__.columns]
        for start in range(0, count, 1000):
            cases, tasks = [], []
            for i in range(start, min(start + 1000, count)):
                template_task, template_case = rng.choice(templates)
                case_id = next_case + i
                org_id = rng.choice(org_ids)
                created = now - timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
                row = {c: getattr(template_case, c) for c in case_cols}
                row.update(id=case_id, organisation_id=org_id, registration_number=f"BENCH {case_id:07d}",
                           created_at=created, updated_at=created, version=1)
                row["search_text"] = case_search_text(row["registration_number"], row["title"])
                cases.append(row)
                task = {c: getattr(template_task, c) for c in task_cols}
                due = None if rng.random() < 0.1 else now + timedelta(days=rng.randint(-30, 60),
                                                                     hours=rng.randint(0, 23))
                task.update(id=str(uuid.UUID(int=rng.getrandbits(128))), case_id=case_id, organisation_id=org_id,
                            registration_number=row["registration_number"],
                            search_text=task_search_text(task["title"], row["registration_number"]),
                            due_at=due, created_at=created,
                            assignee_id=claimed_by if claimed_by and rng.random() < 0.05 else None)
                tasks.append(task)
            s.execute(insert(Case), cases)
            s.execute(insert(OpenTask), tasks)
        if s.get_bind().dialect.name == "postgresql":  # the ids were given: move the sequence past them
            s.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
    return count


@contextmanager
def counting(services: Services) -> Iterator[list[str]]:
    """The SQL statements run while inside."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(services.db, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(services.db, "before_cursor_execute", record)


def _login(app: Flask, client: FlaskClient, services: Services, username: str) -> None:
    from app.web.security import WEB, _open_session

    with services.unit_of_work() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
    with app.test_request_context("/"):
        sid = _open_session(user, WEB)
    with client.session_transaction() as sess:
        sess["sid"] = sid
        sess["lang"] = "sv"


def _token(app: Flask, services: Services, username: str) -> str:
    from app.web.security import API, _open_session

    with services.unit_of_work() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
    with app.test_request_context("/"):
        return str(_open_session(user, API))


def measure(services: Services, client: FlaskClient, url: str, rounds: int,
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    times, statements, size = [], 0, 0
    for _ in range(rounds):
        with counting(services) as seen:
            began = time.perf_counter()
            resp = client.get(url, headers=headers or {})
            times.append((time.perf_counter() - began) * 1000)
        assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[:300])
        statements, size = len(seen), len(resp.get_data())
    times.sort()
    return {"url": url, "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1), "statements": statements,
            "bytes": size}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: a new SQLite file)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="inbox-bench-"))
    url = args.database or f"sqlite:///{folder / 'inbox.sqlite3'}"
    settings = Settings.from_env(instance_path=folder / "instance", database_url=url, clock="manual",
                                 secret_key="bench-secret")
    services = build_services(settings, ManualClock(NOW))
    prepare_database(services)
    from app.demo import load_demo

    began = time.perf_counter()
    load_demo(services)
    with services.unit_of_work() as s:
        sofia = s.scalars(select(User).where(User.username == "sofia")).one().id
    clone_open_tasks(services, role="officer", municipality="stenungsund", count=args.tasks, claimed_by=sofia)
    print(f"database {url}: demo and {args.tasks} officer tasks in {time.perf_counter() - began:.1f} s")
    app = create_app(settings, services=services)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {_token(app, services, 'sofia')}"}
    results = [measure(services, client, "/api/v1/tasks?limit=50", args.rounds, headers),
               measure(services, client, "/api/v1/tasks?limit=500", args.rounds, headers),
               measure(services, client, "/api/v1/tasks?limit=50&q=Gemenskap&sort=title", args.rounds, headers)]
    nxt = client.get("/api/v1/tasks?limit=50", headers=headers).get_json()["next"]
    results.append(measure(services, client, f"/api/v1/tasks?limit=50&after={nxt}", args.rounds, headers))
    _login(app, client, services, "sofia")
    results.append(measure(services, client, "/tasks/", args.rounds))
    results.append(measure(services, client, "/tasks/?overdue=1&sort=created&direction=desc", args.rounds))
    results.append(measure(services, client, "/tasks/?view=done", args.rounds))
    for r in results:
        print(f"{r['url']:<60} median {r['median_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  "
              f"{r['statements']:3d} statements  {r['bytes'] / 1024:7.1f} KiB")
    services.db.dispose()


if __name__ == "__main__":
    main()
