"""The administrator's overview (/admin/) over a big database: median and p95 server time.

    .venv/bin/python bench/overview_bench.py [--cases 100000] [--repeat 30] [--db PATH | --url URL]

Bulk-inserts (SQLAlchemy Core) `--cases` case rows into a fresh migrated database: 45 % Falun, 45 %
Stenungsund, 10 % Gävle; 70 % running, 20 % completed, 5 % failed (with an incident message), 5 % suspended;
one open task per running case (a fifth of them overdue); a running agreement for every fifth Stenungsund
case with its period, 12 quarterly payments (earlier ones paid) and 3 follow-ups. Then measures the page,
as a global administrator (all municipalities, one chosen) and as Stenungsund's administrator, through the
Flask test client (server time, no network: wall clock, and this process's CPU time, which a busy machine
inflates less), and counts the SQL statements of one request. --suggested-indexes adds the indexes of
SUGGESTED first (to compare).
The case rows carry no workflow (the overview never reads it).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.config import Settings  # noqa: E402
from app.core.clock import ManualClock  # noqa: E402
from app.domain.accounts import add_user  # noqa: E402
from app.models import Case, CaseEvent, DefinitionVersion, Municipality, OpenTask, Organisation  # noqa: E402
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod  # noqa: E402
from app.services import build_services, prepare_database  # noqa: E402
from app.web.factory import create_app  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PASSWORD = "bench-losenord-1"  # noqa: S105 - throwaway benchmark users
STEPS = {"falun": ["Fyll i checklistan", "Skicka in initiativet", "Juridisk bedömning", "Förvaltningens beslut",
                   "Utforma avtalet", "Nämndens beslut"],
         "stenungsund": ["Dialog med föreningen", "Ekonomisk plan", "Beslut i nämnden", "Utbetalning",
                         "Uppföljning", "Förnyelsesamtal", "Granska rapport"]}
ROLES = ["organisation", "lawyer", "officer", "board", "finance"]
BATCH = 5000
SUGGESTED = ["CREATE INDEX IF NOT EXISTS ix_bench_open_tasks_muni_role_due "
             "ON open_tasks (municipality_id, role, due_at)",
             "CREATE INDEX IF NOT EXISTS ix_bench_payments_agreement_status_due_amount "
             "ON agreement_payments (agreement_id, status, due, amount_sek)"]


def _batches(rows: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    return [rows[i:i + BATCH] for i in range(0, len(rows), BATCH)]


def build(url: str, folder: Path, cases: int) -> tuple[Settings, ManualClock]:
    settings = Settings.from_env(instance_path=folder, database_url=url, clock="manual", secret_key="bench",
                                 sqlite_synchronous="NORMAL", session_idle_minutes=10**7, session_max_hours=10**6)
    clock = ManualClock(NOW)
    services = build_services(settings, clock)
    prepare_database(services)
    rng = random.Random(11)
    with services.unit_of_work() as s:
        add_user(s, clock, "bench_admin", PASSWORD, "admin")
        add_user(s, clock, "bench_admin_st", PASSWORD, "admin", municipality="stenungsund")
        munis = {m.slug: m.id for m in s.scalars(select(Municipality))}
        defs = {v.process_id: v.id for v in s.scalars(select(DefinitionVersion))}
    started = time.perf_counter()
    with services.db.begin() as conn:
        conn.execute(insert(Organisation), [{"id": 1000 + i, "name": f"Förening {i}", "org_number": f"80{i:08d}",
                                             "created_at": NOW} for i in range(500)])
        case_rows, task_rows, event_rows = [], [], []
        agreements, periods, payments, follow_ups = [], [], [], []
        for n in range(1, cases + 1):
            pick = rng.random()
            muni = "falun" if pick < 0.45 else "stenungsund" if pick < 0.9 else "gavle"
            if muni not in munis:
                muni = "falun"
            process = "stenungsund_agreement" if muni == "stenungsund" else "falun_initiative"
            steps = STEPS["stenungsund" if muni == "stenungsund" else "falun"]
            roll = rng.random()
            status = "running" if roll < 0.7 else "completed" if roll < 0.9 else "failed" if roll < 0.95 \
                else "suspended"
            created = NOW - timedelta(days=rng.randint(0, 900))
            summary = {"incident": {"message": "Tjänsten för utbetalning svarade inte"}} if status == "failed" else {}
            case_rows.append({"id": n, "municipality_id": munis[muni], "organisation_id": 1000 + rng.randrange(500),
                              "definition_id": defs[process], "registration_number": f"KS {n:06d}",
                              "title": f"Initiativ {n}", "status": status,
                              "outcome": "closed" if status == "completed" else None,
                              "current_step": "" if status == "completed" else rng.choice(steps),
                              "feedback": [], "summary": summary, "workflow_json": "{}", "serializer_version": "1",
                              "created_at": created, "updated_at": created + timedelta(days=rng.randint(0, 30)),
                              "version": 1})
            if status == "running":
                due = NOW + timedelta(days=rng.randint(-10, 40)) if rng.random() < 0.8 else None
                task_rows.append({"id": f"t{n:09d}", "case_id": n, "municipality_id": munis[muni],
                                  "organisation_id": case_rows[-1]["organisation_id"], "name": "task",
                                  "title": "Uppgift", "role": rng.choice(ROLES), "assignee_id": None, "due_at": due,
                                  "created_at": created, "form": None, "meta": {}})
            if status == "failed":
                event_rows.append({"case_id": n, "at": created, "actor_name": "system", "kind": "incident",
                                   "title": "Tidsstyrd händelse misslyckades", "data": {}})
            if muni == "stenungsund" and status == "running" and n % 5 == 0:
                start = date(2025 + rng.randint(0, 2), rng.choice((1, 4, 7, 10)), 1)
                agreement_id = len(agreements) + 1
                agreements.append({"id": agreement_id, "case_id": n, "municipality_id": munis[muni],
                                   "status": "running", "current_version": 1, "parties": [], "statistics": [],
                                   "repayment_rule": "none", "notices": [], "updated_at": NOW})
                end = date(start.year + 3, start.month, 1) - timedelta(days=1)
                periods.append({"agreement_id": agreement_id, "version": 1, "start": start, "end": end, "years": 3,
                                "yearly_amount_sek": 400_000, "total_sek": 1_200_000, "payment_interval": "quarter",
                                "renewal_dialogue_opens": end - timedelta(days=270),
                                "renewal_decision_deadline": end - timedelta(days=90)})
                for q in range(12):
                    due_day = date(start.year + (start.month - 1 + 3 * q) // 12, (start.month - 1 + 3 * q) % 12 + 1, 1)
                    payments.append({"agreement_id": agreement_id, "municipality_id": munis[muni], "version": 1,
                                     "number": q + 1, "due": due_day,
                                     "amount_sek": 100_000, "status": "paid" if due_day < NOW.date() else "planned"})
                for y in range(3):
                    fu_due = date(start.year + y + 1, 3, 31)
                    follow_ups.append({"agreement_id": agreement_id, "version": 1, "year": y + 1,
                                       "opens": fu_due - timedelta(days=60), "due": fu_due, "gates": fu_due,
                                       "status": "approved" if fu_due < NOW.date() else "planned"})
        for table, rows in ((Case, case_rows), (OpenTask, task_rows), (CaseEvent, event_rows),
                            (Agreement, agreements), (AgreementPeriod, periods), (AgreementPayment, payments),
                            (AgreementFollowUp, follow_ups)):
            for chunk in _batches(rows):
                conn.execute(insert(table), chunk)
    print(f"inserted {len(case_rows)} cases, {len(task_rows)} open tasks, {len(agreements)} agreements, "
          f"{len(payments)} payments, {len(follow_ups)} follow-ups in {time.perf_counter() - started:.1f} s")
    with services.db.begin() as conn:  # fresh statistics, as a running database has them
        conn.exec_driver_sql("ANALYZE")
    services.db.dispose()
    return settings, clock


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", help="SQLite file (default: a new one in a temporary folder)")
    parser.add_argument("--url", help="a database URL instead (e.g. an empty PostgreSQL schema)")
    parser.add_argument("--suggested-indexes", action="store_true",
                        help="first add the indexes the overview would like (see SUGGESTED)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="overview-bench-"))
    url = args.url or f"sqlite:///{args.db or folder / 'bench.sqlite3'}"
    settings, clock = build(url, folder, args.cases)
    services = build_services(settings, clock)
    if args.suggested_indexes:
        with services.db.begin() as conn:
            for sql in SUGGESTED:
                conn.exec_driver_sql(sql)
            conn.exec_driver_sql("ANALYZE")
    app = create_app(settings, services=services)
    statements: list[str] = []
    event.listen(services.db, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print(f"{'who':<16}{'page':<34}{'median ms':>10}{'p95 ms':>8}{'CPU med':>8}{'CPU p95':>8}{'SQL':>5}")
    for who, url_path in (("bench_admin", "/admin/"), ("bench_admin", "/admin/?municipality=stenungsund"),
                          ("bench_admin_st", "/admin/")):
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
        assert token is not None
        client.post("/login", data={"username": who, "password": PASSWORD, "csrf_token": token.group(1)})
        for _ in range(3):
            assert client.get(url_path).status_code == 200
        times, cpu = [], []
        for _ in range(args.repeat):
            statements.clear()
            began, began_cpu = time.perf_counter(), time.process_time()
            resp = client.get(url_path)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            assert resp.status_code == 200
        print(f"{who:<16}{url_path:<34}{statistics.median(times):>10.1f}{_p95(times):>8.1f}"
              f"{statistics.median(cpu):>8.1f}{_p95(cpu):>8.1f}{len(statements):>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
