"""A big, realistic database for the staff benchmark (bench/staff_bench.py): 100,000 cases by default.

How it is made (minutes, not hours):
1. A fresh database is migrated and the demo loader (app.demo.load_demo) drives a dozen real cases through
   the engine: Falun initiatives at every step (two finished), Stenungsund agreements in preparation and
   running with periods, payments and follow-ups.  These are the templates; every copy has a valid
   workflow_json because it is a template's.
2. A few thousand organisations and the benchmark's users are added.
3. The copies are bulk-inserted with SQLAlchemy Core, in batches, with explicit ids: a case row (new
   registration number, unique per municipality and year; its template's dates moved by a random offset),
   its history (the template's events, moved by the same offset), its open tasks (fresh task ids, also
   substituted in the copy's workflow_json so a copy's task opens), its agreement rows, and on a share of
   the cases a small document.

The mix: about 45 % Falun, 45 % Stenungsund, 10 % Gävle (Falun's process); about 70 % running, 25 %
completed (with outcomes), 5 % failed (an incident in `summary["incident"]` and an "incident" event).
The Stenungsund officers hold OFFICER_TASKS (5,000 at full scale) open tasks; other roles hold the rest.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Date, Table, func, insert, select, text, update

from app.config import Settings
from app.core.clock import ManualClock
from app.core.history_chain import GENESIS, entry_hash
from app.core.search import case_search_text, folded, task_search_text
from app.domain.accounts import add_user
from app.domain.orgnumber import with_check_digit
from app.domain.passwords import hash_password
from app.models import Attachment, Case, CaseEvent, Municipality, OpenTask, Organisation, RegistrationCounter, User
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod, RepaymentClaim
from app.models.types import UTCDateTime
from app.services import Services, build_services, prepare_database

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the benchmark's manual clock: 09:00 in Stockholm
PASSWORD = "bench-losenord-1"  # noqa: S105 - throwaway benchmark users
FULL_SCALE = 100_000
OFFICER_TASKS_FULL = 5_000  # the open tasks of Stenungsund's officers at full scale
ORGANISATIONS_FULL = 3_000
BATCH = 2_000
DOCUMENT_SHARE = 0.15
BENCH_USERS = [  # username, role, municipality
    ("bench_admin", "admin", None),
    ("bench_admin_st", "admin", "stenungsund"),
    ("bench_officer", "officer", "stenungsund"),
    ("bench_lawyer", "lawyer", "falun"),
    ("bench_officer_falun", "officer", "falun"),
]
WORDS = ["Språkcafé", "Läxhjälp", "Mötesplats", "Jourverksamhet", "Fritidsgård", "Seniorträff", "Idrottsskola",
         "Kvinnojour", "Second hand", "Matkasse", "Stödgrupp", "Kulturhus", "Natur och friluftsliv", "Musikskola"]
PLACES = ["Norr", "Söder", "Centrum", "Hamnen", "Skogen", "Ängen", "Backen", "Sjön", "Torget", "Kyrkbyn"]
INCIDENTS = [
    ("Kontrollen av organisationsnumret svarade inte.", "ConnectionError: bolagsverket.example: timed out"),
    ("Ett villkor i processen kunde inte beräknas.", "NameError: name 'yearly_support' is not defined"),
    ("Utbetalningen kunde inte registreras.", "IntegrityError: duplicate payment reference"),
]

def _t(model: Any) -> Table:
    return cast(Table, model.__table__)


# child tables copied with each case, in insert order: (table, the column pointing at the parent, parent)
CHILDREN: list[tuple[Table, str, str]] = [
    (_t(CaseEvent), "case_id", "case"),
    (_t(OpenTask), "case_id", "case"),
    (_t(Attachment), "case_id", "case"),
    (_t(Agreement), "case_id", "case"),
    (_t(AgreementPeriod), "agreement_id", "agreement"),
    (_t(AgreementPayment), "agreement_id", "agreement"),
    (_t(AgreementFollowUp), "agreement_id", "agreement"),
    (_t(RepaymentClaim), "agreement_id", "agreement"),
]


@dataclass
class Template:
    case: dict[str, Any]
    municipality: str
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    agreement_children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def roles(self) -> list[str]:
        return [t["role"] for t in self.children.get("open_tasks", [])]


@dataclass
class Generated:
    cases: int
    seconds: float
    officer_tasks: int
    long_case_id: int
    counts: dict[str, int]


def bench_settings(url: str, folder: Path) -> Settings:
    # sessions never expire on the manual clock; NORMAL durability: the benchmark measures reads
    return Settings.from_env(instance_path=folder, database_url=url, clock="manual", secret_key="bench",
                             sqlite_synchronous="NORMAL", session_idle_minutes=100 * 365 * 24 * 60,
                             session_max_hours=100 * 365 * 24)


def bench_services(url: str, folder: Path) -> Services:
    return build_services(bench_settings(url, folder), ManualClock(NOW))


def _shifters(table: Table) -> tuple[list[str], list[str]]:
    stamps = [c.name for c in table.columns if isinstance(c.type, UTCDateTime)]
    days = [c.name for c in table.columns if isinstance(c.type, Date)]
    return stamps, days


def _rows(conn: Any, table: Table, column: str, ids: list[int]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(table).where(table.c[column].in_(ids)))]


def load_templates(services: Services) -> list[Template]:
    """Every case the demo made, with its child rows."""
    with services.db.connect() as conn:
        slugs = dict(conn.execute(select(Municipality.id, Municipality.slug)).all())
        templates = []
        for row in conn.execute(select(_t(Case)).order_by(Case.id)):
            t = Template(case=dict(row._mapping), municipality=slugs[row.municipality_id])
            for table, column, parent in CHILDREN:
                if parent == "case":
                    t.children[table.name] = _rows(conn, table, column, [row.id])
            agreement_ids = [a["id"] for a in t.children.get("agreements", [])]
            for table, column, parent in CHILDREN:
                if parent == "agreement":
                    t.agreement_children[table.name] = _rows(conn, table, column, agreement_ids)
            templates.append(t)
    return templates


def add_people(services: Services, rng: random.Random, organisations: int) -> list[int]:
    """The benchmark's users and `organisations` organisations; the ids of all organisations."""
    with services.unit_of_work() as s:
        shared = hash_password(PASSWORD)
        for username, role, municipality in BENCH_USERS:
            add_user(s, services.clock, username, PASSWORD, role, municipality=municipality,
                     display_name=username.replace("_", " ").title(), password_hash=shared)
        taken = set(s.scalars(select(Organisation.org_number)))
        munis = list(s.scalars(select(Municipality.id)))
    rows: list[dict[str, Any]] = []
    seen = set(taken)
    k = 0
    while len(rows) < organisations:
        k += 1
        number = with_check_digit(f"8024{k:05d}")
        if number in seen:
            continue
        seen.add(number)
        name = f"Föreningen {rng.choice(WORDS)} {rng.choice(PLACES)} {k}"
        rows.append({"name": name, "search_name": folded(name), "org_number": number,
                     "email": f"info{k}@forening.example", "created_at": NOW - timedelta(days=rng.randint(0, 2000)),
                     "registered_by_id": rng.choice(munis)})
    with services.db.begin() as conn:
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(_t(Organisation)), rows[start:start + BATCH])
        return list(conn.scalars(select(Organisation.id)))


class _Ids:
    def __init__(self, conn: Any, tables: list[Table]) -> None:
        self.next = {t.name: (conn.scalar(select(func.max(t.c.id))) or 0) + 1 for t in tables if "id" in t.c
                     and t.c.id.type.python_type is int}

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _plan(rng: random.Random, cases: int) -> list[tuple[str, str]]:
    """(municipality slug, status) per case."""
    plan = []
    for _ in range(cases):
        r = rng.random()
        muni = "falun" if r < 0.45 else "stenungsund" if r < 0.90 else "gavle"
        r = rng.random()
        status = "running" if r < 0.70 else "completed" if r < 0.95 else "failed"
        plan.append((muni, status))
    return plan


def generate(services: Services, cases: int = FULL_SCALE, seed: int = 11, log: Any = print) -> Generated:
    """Fill a freshly made (empty) database; return what was made."""
    from app.demo import load_demo

    started = time.perf_counter()
    rng = random.Random(seed)
    prepare_database(services)
    load_demo(services)
    templates = load_templates(services)
    scale = cases / FULL_SCALE
    org_ids = add_people(services, rng, max(20, int(ORGANISATIONS_FULL * scale)))
    log(f"  templates and people: {time.perf_counter() - started:.1f} s")

    falun_running = [t for t in templates if t.municipality == "falun" and t.case["status"] == "running"]
    falun_done = [t for t in templates if t.municipality == "falun" and t.case["status"] == "completed"]
    st_running = [t for t in templates if t.municipality == "stenungsund" and t.case["status"] == "running"]
    st_officer = [t for t in st_running if "officer" in t.roles]
    st_other = [t for t in st_running if "officer" not in t.roles] or st_running
    st_agreed = [t for t in st_running if t.children.get("agreements")] or st_running
    plan = _plan(rng, cases)
    st_running_count = sum(1 for m, s in plan if m == "stenungsund" and s == "running")
    officer_quota = min(st_running_count, round(OFFICER_TASKS_FULL * scale))
    officer_flags = [True] * officer_quota + [False] * (st_running_count - officer_quota)
    rng.shuffle(officer_flags)

    with services.db.connect() as conn:
        munis = dict(conn.execute(select(Municipality.slug, Municipality.id)).all())
        ids = _Ids(conn, [_t(Case)] + [t for t, _c, _p in CHILDREN])
    shifts = {t.name: _shifters(t) for t in [_t(Case)] + [t for t, _c, _p in CHILDREN]}
    counters: dict[tuple[int, int], int] = {}
    with services.db.connect() as conn:
        for m_id, year, last in conn.execute(select(RegistrationCounter.municipality_id, RegistrationCounter.year,
                                                    RegistrationCounter.last_number)):
            counters[(m_id, year)] = last
    blob = bytes(rng.getrandbits(8) for _ in range(3000))
    blob_sha = sha256(blob).hexdigest()
    officer_iter = iter(officer_flags)
    made = {name: 0 for name in ["cases"] + [t.name for t, _c, _p in CHILDREN]}
    officer_tasks = 0

    def shifted(table: str, row: dict[str, Any], delta: timedelta) -> dict[str, Any]:
        stamps, days = shifts[table]
        out = dict(row)
        for c in stamps:
            if out[c] is not None:
                out[c] = out[c] + delta
        for c in days:
            if out[c] is not None:
                out[c] = out[c] + timedelta(days=delta.days)
        return out

    def copy(t: Template, muni: str, status: str, batch: dict[str, list[dict[str, Any]]]) -> int:
        nonlocal officer_tasks
        if status == "running":
            delta = timedelta(days=-rng.randint(0, 200), minutes=rng.randint(-600, 600))
        elif status == "completed":
            delta = timedelta(days=-rng.randint(30, 1100), minutes=rng.randint(-600, 600))
        else:
            delta = timedelta(days=-rng.randint(0, 90), minutes=rng.randint(-600, 600))
        case = shifted("cases", t.case, delta)
        case_id = ids.take("cases")
        m_id = munis[muni]
        year = case["created_at"].astimezone(UTC).year
        seq = counters.get((m_id, year), 0) + 1
        counters[(m_id, year)] = seq
        org_id = rng.choice(org_ids)
        case.update(id=case_id, municipality_id=m_id, organisation_id=org_id,
                    registration_number=f"KS {year}/{seq:04d}",
                    title=f"{rng.choice(WORDS)} i {rng.choice(PLACES)}", version=1, created_by_id=None)
        case["search_text"] = case_search_text(case["registration_number"], case["title"])
        if case["created_at"] > NOW:
            case["created_at"] = NOW - timedelta(hours=rng.randint(1, 48))
        case["updated_at"] = min(max(case["updated_at"], case["created_at"]), NOW)
        if case["next_timer_at"] is not None:  # the timers still to come spread over the next year
            case["next_timer_at"] = NOW + timedelta(days=rng.randint(0, 365), hours=rng.randint(0, 23))
        workflow = case["workflow_json"]
        tasks = []
        if status == "running":
            for task in t.children.get("open_tasks", []):
                new_id = _uuid(rng)
                workflow = workflow.replace(task["id"], new_id)
                row = shifted("open_tasks", task, delta)
                row.update(id=new_id, case_id=case_id, municipality_id=m_id, organisation_id=org_id,
                           registration_number=case["registration_number"],
                           search_text=task_search_text(row["title"], case["registration_number"]),
                           assignee_id=None, created_at=min(row["created_at"], NOW))
                if row["due_at"] is not None:  # about one task in six is overdue
                    row["due_at"] = NOW + timedelta(days=rng.randint(-10, 50), hours=rng.randint(0, 23))
                tasks.append(row)
                if row["role"] == "officer" and muni == "stenungsund":
                    officer_tasks += 1
        case["workflow_json"] = workflow
        summary = dict(case["summary"] or {})
        events = [shifted("case_events", e, delta) for e in t.children.get("case_events", [])]
        if status == "completed" and t.case["status"] != "completed":
            case.update(status="completed", outcome="ended" if muni == "stenungsund" else "approved",
                        current_step="", next_timer_at=None)
            events.append({"at": case["updated_at"], "actor_id": None, "actor_name": "", "kind": "case_completed",
                           "task_name": None, "title": "Ärendet är avslutat", "data": {}})
        elif status == "failed":
            message, detail = rng.choice(INCIDENTS)
            at = min(case["updated_at"] + timedelta(hours=1), NOW)
            summary["incident"] = {"message": message, "detail": detail, "at": at.isoformat(),
                                   "step": case["current_step"]}
            case.update(status="failed", next_timer_at=None)
            events.append({"at": at, "actor_id": None, "actor_name": "system", "kind": "incident",
                           "task_name": None, "title": message, "data": {"error": detail}})
        case["summary"] = summary
        batch["cases"].append(case)
        tail = GENESIS
        for e in events:  # sealed as app.engine.history.append seals them, so `iop records verify` passes
            e.update(id=ids.take("case_events"), case_id=case_id, actor_id=None)
            e.update(prev_hash=tail, hash=entry_hash(tail, case_id=case_id, at=e["at"], actor_id=None,
                                                     actor_name=e["actor_name"], kind=e["kind"],
                                                     task_name=e["task_name"], title=e["title"], data=e["data"]))
            tail = e["hash"]
            batch["case_events"].append(e)
        batch["open_tasks"].extend(tasks)
        if rng.random() < DOCUMENT_SHARE:
            size = rng.randint(500, len(blob))
            batch["attachments"].append({
                "id": ids.take("attachments"), "case_id": case_id, "field": "documents",
                "filename": f"stadgar-{case_id}.pdf", "content_type": "application/pdf", "size": size,
                "sha256": blob_sha if size == len(blob) else sha256(blob[:size]).hexdigest(),
                "content": blob[:size], "uploaded_by_id": None, "uploaded_at": case["created_at"]})
        for agreement in t.children.get("agreements", []):
            a = shifted("agreements", agreement, delta)
            a_id = ids.take("agreements")
            a.update(id=a_id, case_id=case_id, municipality_id=m_id)
            if status == "completed":
                a["status"] = "ended"
            batch["agreements"].append(a)
            for name, rows in t.agreement_children.items():
                for child in rows:
                    if child["agreement_id"] != agreement["id"]:
                        continue
                    c = shifted(name, child, delta)
                    c.update(id=ids.take(name), agreement_id=a_id)
                    if "municipality_id" in c:  # payments carry their agreement's municipality
                        c["municipality_id"] = m_id
                    batch[name].append(c)
        return case_id

    order = ["cases"] + [t.name for t, _c, _p in CHILDREN]
    tables = {"cases": _t(Case)} | {t.name: t for t, _c, _p in CHILDREN}
    for start in range(0, len(plan), BATCH):
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in order}
        for muni, status in plan[start:start + BATCH]:
            if muni == "stenungsund":
                if status == "running":
                    pool = st_officer if next(officer_iter) else st_other
                else:
                    pool = st_agreed
            else:
                pool = falun_done if status == "completed" and falun_done else falun_running
            copy(rng.choice(pool), muni, status, batch)
        with services.db.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for name in order:
                if batch[name]:
                    conn.execute(insert(tables[name]), batch[name])
                    made[name] += len(batch[name])
        if (start // BATCH) % 10 == 0:
            log(f"  {start + len(plan[start:start + BATCH]):>7} cases: {time.perf_counter() - started:.1f} s")

    with services.db.begin() as conn:
        for (m_id, year), last in counters.items():
            done = conn.execute(update(RegistrationCounter).where(RegistrationCounter.municipality_id == m_id,
                                                                  RegistrationCounter.year == year)
                                .values(last_number=last)).rowcount
            if not done:
                conn.execute(insert(_t(RegistrationCounter)),
                             [{"municipality_id": m_id, "year": year, "last_number": last}])
        if conn.dialect.name == "postgresql":
            for name in ids.next:  # the tables with integer ids
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT max(id) FROM {name}))"))
    if services.db.dialect.name == "postgresql":  # what autovacuum does after a bulk load: statistics, and the
        # visibility map that lets index-only scans skip the table
        with services.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    # SQLite: no ANALYZE (an installation does not run it either), the planner's defaults are measured
    with services.db.begin() as conn:
        # the longest real history: a template the engine made
        long_case = conn.execute(select(CaseEvent.case_id, func.count()).where(
            CaseEvent.case_id.in_([t.case["id"] for t in templates])).group_by(CaseEvent.case_id)
            .order_by(func.count().desc()).limit(1)).one()[0]
        officer_total = conn.scalar(select(func.count()).select_from(OpenTask).where(
            OpenTask.role == "officer", OpenTask.municipality_id == munis["stenungsund"])) or 0
        counts = {name: conn.scalar(select(func.count()).select_from(tables[name])) or 0 for name in order}
        counts["organisations"] = conn.scalar(select(func.count()).select_from(Organisation)) or 0
        counts["users"] = conn.scalar(select(func.count()).select_from(User)) or 0
    return Generated(cases=counts["cases"], seconds=time.perf_counter() - started, officer_tasks=officer_total,
                     long_case_id=int(long_case), counts=counts)


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def reset_postgres(url: str) -> None:
    """An empty public schema in the benchmark's own database (created when missing)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if target.database in ("test", None):
        raise SystemExit("the benchmark never writes to the 'test' database: give it a database of its own")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database}):
            conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()
    engine = create_engine(target)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def summary_line(g: Generated) -> str:
    return (f"{g.cases} cases, {g.counts.get('case_events', 0)} events, {g.counts.get('open_tasks', 0)} open tasks "
            f"({g.officer_tasks} for Stenungsund's officers), {g.counts.get('attachments', 0)} documents, "
            f"{g.counts.get('agreements', 0)} agreements, {g.counts.get('agreement_payments', 0)} payments, "
            f"{g.counts.get('organisations', 0)} organisations; made in {g.seconds:.0f} s")


def to_json(g: Generated) -> dict[str, Any]:
    return {"cases": g.cases, "seconds": round(g.seconds, 1), "officer_tasks": g.officer_tasks,
            "long_case_id": g.long_case_id, "counts": g.counts}


def from_json(raw: str) -> Generated:
    d = json.loads(raw)
    return Generated(cases=d["cases"], seconds=d["seconds"], officer_tasks=d["officer_tasks"],
                     long_case_id=d["long_case_id"], counts=d["counts"])


__all__ = ["NOW", "PASSWORD", "Generated", "bench_services", "date", "generate", "reset_postgres"]
