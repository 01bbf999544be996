"""Benchmark: deploying the largest demo bundle, and listing 100,000 cases with their definition versions.

    .venv/bin/python bench/definitions_bench.py [--runs 7] [--cases 100000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--drop-index NAME ...]

(1) Deploy. The largest bundle in processes/ (the .bpmn with the most bytes, with its forms) is
    validated as `iop validate` does, parsed, and deployed into a fresh SQLite database with a fresh
    engine (so a fresh definition cache) each run; then a second fresh engine loads the stored version
    the way the first case after a restart does. Median and spread over --runs runs.
(2) Listing. A throwaway database (a temporary SQLite file, or a fresh schema in the given PostgreSQL
    database, dropped at the end) gets --cases case rows in bulk through SQLAlchemy Core, spread over two
    municipalities and three definition versions (Falun v1 and v2, Stenungsund v1), 80 % running. Each
    row carries a real serialized Falun workflow (~the size of a real case). Timed, median over --runs
    after one warm-up: GET /api/v1/cases pages (first and deep, all cases as the administrator, one
    municipality's running cases of one process as its process owner), the page-with-version query
    (cases joined to their definition version), the admin "running cases per version" aggregate, GET
    /api/v1/definitions, and the migration overview page. --drop-index drops the named indexes first,
    to compare with and without them.

Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, create_engine, func, select, text  # noqa: E402

from app.config import Settings  # noqa: E402
from app.core.clock import ManualClock  # noqa: E402
from app.domain.accounts import add_organisation, add_user, municipality_by_slug  # noqa: E402
from app.engine.definitions import bundle_from_directory, parse_bundle  # noqa: E402
from app.engine.runtime import CaseEngine  # noqa: E402
from app.engine.validate import validate_files  # noqa: E402
from app.models import Case, DefinitionVersion, Municipality, Organisation  # noqa: E402
from app.services import Services, build_services, prepare_database  # noqa: E402
from app.web.factory import create_app  # noqa: E402

PASSWORD = "bench-password-1"
NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)
V2 = ROOT / "tests" / "migration" / "fixtures" / "falun_v2" / "falun_initiative.bpmn"


def median_ms(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"median {statistics.median(ms):8.1f} ms  (min {ms[0]:.1f}, max {ms[-1]:.1f}, n={len(ms)})"


def timed(fn: Callable[[], Any], runs: int, warm_up: bool = True) -> list[float]:
    if warm_up:
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


# ----------------------------------------------------------------------------- (1) deploy
def largest_bundle() -> tuple[Path, dict[str, str]]:
    path = max((ROOT / "processes").glob("*.bpmn"), key=lambda p: p.stat().st_size)
    return path, bundle_from_directory(path)


def bench_deploy(runs: int) -> None:
    path, files = largest_bundle()
    size = sum(len(t.encode()) for t in files.values())
    print(f"(1) deploy: {path.name} with {len(files) - 1} forms, {size / 1024:.0f} kB in all")
    validate, parse, deploy, load = [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings.from_env(instance_path=Path(tmp) / "instance",
                                         database_url=f"sqlite:///{Path(tmp) / 'deploy.sqlite3'}",
                                         secret_key="bench", clock="manual")
            svc = build_services(settings, ManualClock(NOW))
            from app.migrate import upgrade

            upgrade(svc.db)  # the schema only: processes/ is what is measured
            t0 = time.perf_counter()
            problems = validate_files(files, operations=svc.engine.operations)
            validate.append(time.perf_counter() - t0)
            assert not problems, problems
            t0 = time.perf_counter()
            parse_bundle(files, operations=svc.engine.operations)
            parse.append(time.perf_counter() - t0)
            engine = CaseEngine(svc.clock, handlers=svc.engine.handlers)  # a fresh definition cache
            t0 = time.perf_counter()
            with svc.unit_of_work() as s:
                row, created = engine.deploy(s, files)
                assert created
                version_id = row.id
            deploy.append(time.perf_counter() - t0)
            fresh = CaseEngine(svc.clock, handlers=svc.engine.handlers)
            t0 = time.perf_counter()
            with svc.unit_of_work() as s:
                fresh.definition(s, version_id)
            load.append(time.perf_counter() - t0)
            svc.db.dispose()
    print(f"    validate (iop validate)            {median_ms(validate)}")
    print(f"    parse                              {median_ms(parse)}")
    print(f"    deploy (parse, store, commit)      {median_ms(deploy)}")
    print(f"    validate + deploy                  {median_ms([a + b for a, b in zip(validate, deploy, strict=True)])}")
    print(f"    first load by a fresh engine       {median_ms(load)}")


# ---------------------------------------------------------------------------- (2) listing
class Database:
    """A throwaway database: a temporary SQLite file, or a fresh schema in a PostgreSQL database."""

    def __init__(self, url: str | None, workdir: Path) -> None:
        self.base_url, self.schema = url, None
        if url is None:
            self.url = f"sqlite:///{workdir / 'listing.sqlite3'}"
        else:
            self.schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(url)
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {self.schema}"))
            admin.dispose()
            sep = "&" if "?" in url else "?"
            self.url = f"{url}{sep}options=-csearch_path%3D{self.schema}"

    def drop(self) -> None:
        if self.base_url is not None and self.schema is not None:
            admin = create_engine(self.base_url)
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {self.schema} CASCADE"))
            admin.dispose()


def prepare(url: str, workdir: Path) -> Services:
    settings = Settings.from_env(instance_path=workdir / "instance", database_url=url, secret_key="bench",
                                 clock="manual")
    svc = build_services(settings, ManualClock(NOW))
    prepare_database(svc)
    files = bundle_from_directory(ROOT / "processes" / "falun_initiative.bpmn")
    files.update(bundle_from_directory(V2))
    with svc.unit_of_work() as s:
        svc.engine.deploy(s, files)  # Falun v2
        add_organisation(s, svc.clock, "Benchföreningen", "802400-0005")
        add_organisation(s, svc.clock, "Andra föreningen", "802470-0000")
        add_user(s, svc.clock, "b_admin", PASSWORD, "admin")
        add_user(s, svc.clock, "b_owner", PASSWORD, "process_owner", municipality="falun")
    return svc


def seed(svc: Services, count: int) -> tuple[float, int]:
    """`count` case rows through Core in batches; returns the seconds it took and the document size."""
    with svc.unit_of_work() as s:
        falun = municipality_by_slug(s, "falun")
        organisation = s.scalars(select(Organisation).order_by(Organisation.id)).first()
        assert organisation is not None
        template = svc.engine.start_case(s, municipality=falun, organisation=organisation,
                                         process_id="falun_initiative", actor=None)
        document = template.workflow_json  # the template case stays: one more running case
    with svc.unit_of_work() as s:
        versions = {(v.process_id, v.version): v.id for v in s.scalars(select(DefinitionVersion))}
        munis = {m.slug: m.id for m in s.scalars(select(Municipality))}
        orgs = list(s.scalars(select(Organisation.id)))
    table = Case.__table__
    assert isinstance(table, Table)
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    with svc.db.begin() as conn:
        for i in range(count):
            kind = i % 10
            if kind < 5:
                slug, version = "falun", versions[("falun_initiative", 1)]
            elif kind < 8:
                slug, version = "falun", versions[("falun_initiative", 2)]
            else:
                slug, version = "stenungsund", versions[("stenungsund_agreement", 1)]
            created = NOW - timedelta(minutes=count - i)
            batch.append({
                "municipality_id": munis[slug], "organisation_id": orgs[i % len(orgs)], "definition_id": version,
                "registration_number": f"B {i:07d}", "title": f"Bench case {i}",
                "status": "running" if i % 5 else "completed", "outcome": None if i % 5 else "approved",
                "current_step": "Fyll i checklistan", "feedback": [], "summary": {}, "workflow_json": document,
                "serializer_version": template.serializer_version, "next_timer_at": None, "created_by_id": None,
                "created_at": created, "updated_at": created, "version": 1,
            })
            if len(batch) == 5000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    elapsed = time.perf_counter() - started
    if svc.db.dialect.name == "postgresql":
        with svc.db.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE cases"))
    else:
        with svc.db.begin() as conn:
            conn.execute(text("ANALYZE"))
    return elapsed, len(document.encode())


def drop_indexes(svc: Services, names: list[str]) -> None:
    with svc.db.begin() as conn:
        for name in names:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
            print(f"    dropped index {name}")


def bench_listing(url: str | None, cases: int, runs: int, drop: list[str], explain: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(url, Path(tmp))
        try:
            svc = prepare(database.url, Path(tmp))
            print(f"(2) listing on {svc.db.dialect.name}: seeding {cases} cases ...", flush=True)
            seconds, document_bytes = seed(svc, cases)
            print(f"    seeded {cases} rows in {seconds:.1f} s ({cases / seconds:,.0f} rows/s), "
                  f"{document_bytes / 1024:.1f} kB of workflow document each")
            drop_indexes(svc, drop)
            run_listing(svc, runs, explain)
            svc.db.dispose()
        finally:
            database.drop()


def run_listing(svc: Services, runs: int, explain: bool = False) -> None:
    app = create_app(svc.settings, services=svc)
    client = app.test_client()

    def login(username: str) -> dict[str, str]:
        resp = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}

    admin, owner = login("b_admin"), login("b_owner")

    def api(url: str, headers: dict[str, str]) -> Callable[[], Any]:
        def call() -> Any:
            resp = client.get(url, headers=headers)
            assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[:300])
            return resp.get_json()
        return call

    total = api("/api/v1/cases?limit=50", admin)()["total"]
    print(f"    GET /api/v1/cases sees {total} cases as the administrator")
    checks = [
        ("API cases, page 1, admin (50 of all)", api("/api/v1/cases?limit=50", admin)),
        ("API cases, offset 50000, admin", api("/api/v1/cases?limit=50&offset=50000", admin)),
        ("API cases, running falun_initiative, owner", api(
            "/api/v1/cases?limit=50&status=running&process=falun_initiative", owner)),
        ("API cases, same, offset 20000, owner", api(
            "/api/v1/cases?limit=50&offset=20000&status=running&process=falun_initiative", owner)),
        ("API definitions (running per version)", api("/api/v1/definitions", admin)),
    ]
    with svc.session_factory() as session:
        falun_id = municipality_by_slug(session, "falun").id

        def page_with_versions(offset: int, municipality: int | None = None) -> Callable[[], Any]:
            def run() -> Any:
                query = select(Case.id, Case.registration_number, Case.status, Case.current_step,
                               DefinitionVersion.process_id, DefinitionVersion.version) \
                    .join(DefinitionVersion, DefinitionVersion.id == Case.definition_id)
                counted = select(func.count(Case.id))
                if municipality is not None:
                    query = query.where(Case.municipality_id == municipality)
                    counted = counted.where(Case.municipality_id == municipality)
                session.scalar(counted)
                return session.execute(query.order_by(Case.id.desc()).limit(50).offset(offset)).all()
            return run

        def per_version() -> Any:
            return session.execute(
                select(DefinitionVersion.process_id, DefinitionVersion.version, func.count(Case.id))
                .join(Case, Case.definition_id == DefinitionVersion.id).where(Case.status == "running")
                .group_by(DefinitionVersion.process_id, DefinitionVersion.version)).all()

        checks += [
            ("SQL page + count, with versions", page_with_versions(0)),
            ("SQL same, offset 50000", page_with_versions(50000)),
            ("SQL same, one municipality", page_with_versions(0, falun_id)),
            ("SQL running cases per version", per_version),
        ]
        browser = app.test_client()
        token_page = browser.get("/login").get_data(as_text=True)
        token = token_page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        browser.post("/login", data={"username": "b_admin", "password": PASSWORD, "csrf_token": token})

        def overview() -> Any:
            resp = browser.get("/admin/migration/")
            assert resp.status_code == 200, resp.status_code
            return resp

        def monitor(query: str) -> Callable[[], Any]:
            def run() -> Any:
                resp = browser.get(f"/admin/{query}")
                assert resp.status_code == 200, resp.status_code
                return resp
            return run

        checks.append(("page /admin/migration/ (candidates per process)", overview))
        checks.append(("page /admin/ (running, page 1 of 50 rows)", monitor("")))
        checks.append(("page /admin/ (all, page 1000)", monitor("?status=all&page=1000")))
        for label, fn in checks:
            print(f"    {label:<48} {median_ms(timed(fn, runs))}", flush=True)
        print("    per version: " + ", ".join(f"{p} v{v}: {n}" for p, v, n in per_version()))
        if explain:
            explain_plans(session, falun_id)


def explain_plans(session: Any, falun_id: int) -> None:
    """The plans of the aggregate and of one municipality's running cases of one process (counted, paged)."""
    prefix = "EXPLAIN ANALYZE " if session.bind.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    process = "(SELECT id FROM definition_versions WHERE process_id = 'falun_initiative')"
    for sql in (
        "SELECT definition_id, count(id) FROM cases WHERE status = 'running' GROUP BY definition_id",
        f"SELECT count(*) FROM cases WHERE municipality_id = {falun_id} AND status = 'running' "
        f"AND definition_id IN {process}",
        f"SELECT id, registration_number FROM cases WHERE municipality_id = {falun_id} AND status = 'running' "
        f"AND definition_id IN {process} ORDER BY id DESC LIMIT 50 OFFSET 20000",
    ):
        print("    " + sql)
        for row in session.execute(text(prefix + sql)).all():
            print("        " + " | ".join(str(c) for c in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; a fresh schema is made and dropped")
    parser.add_argument("--drop-index", action="append", default=[], help="measure without this index")
    parser.add_argument("--skip-deploy", action="store_true")
    parser.add_argument("--skip-listing", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print the plans of the listing queries")
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    if not args.skip_deploy:
        bench_deploy(args.runs)
    if not args.skip_listing:
        bench_listing(args.database_url, args.cases, args.runs, args.drop_index, args.explain)


if __name__ == "__main__":
    main()
