"""Shared fixtures: a real database (SQLite file, or PostgreSQL when IOP_TEST_DATABASE_URL is set),
the app with a manual clock, and log-in helpers per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.config import Settings
from app.core.clock import ManualClock
from app.db import Base
from app.domain.accounts import add_organisation, add_user
from app.engine.definitions import ProcessDefinition
from app.models import DefinitionVersion, User
from app.services import Services, build_services, deploy_processes, prepare_database
from app.web.factory import create_app
from handlers import Handler, registry
from tests.scratch_database import Template, scratch_database
from tests.shared_compilation import TEMPLATE_CODE, share_compiled_sql, share_url_builders

share_url_builders()  # the URL builders of the apps of this process are compiled once (tests/shared_compilation.py)

PASSWORD = "correct-horse-battery"
ORG_A = "802400-0005"
ORG_B = "802470-0000"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm
# PASSWORD as the stored hash of the users the tests make (pass it as `add_user(..., password_hash=PASSWORD_HASH)`):
# an Argon2id hash with small costs, which the application verifies as any other (the costs are read from the
# hash) in a millisecond; with the application's own costs each such user cost 0.1-0.3 s to make and as much
# again at each log-in. Users made through the application (pages, CLI, demo) still get its costs
# (`app.domain.passwords`).
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's database: the template SQLite file, or a PostgreSQL schema of this session."""
    with scratch_database(tmp_path_factory.mktemp("db") / "template.sqlite3") as url:
        yield url


def _test_settings(instance_path: Path, database_url: str) -> Settings:
    # sessions outlive the clock moves of the tests (tests/web/test_sessions.py sets the real timeouts);
    # a test's SQLite file need not survive a power cut: NORMAL spares the fsync of every commit that the
    # application's FULL makes (a fifth of the time of a test that drives a case)
    return Settings.from_env(instance_path=instance_path, database_url=database_url, testing=True,
                             secret_key="test-secret-key", clock="manual", sqlite_synchronous="NORMAL",
                             session_idle_minutes=100 * 365 * 24 * 60, session_max_hours=100 * 365 * 24)


@dataclass
class Prepared:
    """The database as `prepare_database` leaves it at START, and the definitions it deployed."""

    template: Template
    definitions: list[ProcessDefinition]


@pytest.fixture(scope="session")
def prepared(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """Migrate, load config/ and deploy processes/ (parsing and checking both bundles) once per session."""
    svc = build_services(_test_settings(tmp_path_factory.mktemp("inst"), database_url), ManualClock(START))
    prepare_database(svc)
    with svc.unit_of_work() as s:
        definitions = [svc.engine.definition(s, vid) for vid in s.scalars(select(DefinitionVersion.id))]
    template = Template(database_url, Base.metadata, svc.db)
    svc.db.dispose()
    return Prepared(template, definitions)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(prepared: Prepared, tmp_path: Path) -> Settings:
    """A database of this test's own, as `prepare_database` leaves it (see `services`)."""
    return _test_settings(tmp_path / "instance", prepared.template.database_for_test(tmp_path))


@pytest.fixture
def service_handlers() -> dict[str, Handler]:
    """The service-task handlers the engine of `services` calls: handlers/ (tests/incidents adds its probe)."""
    return registry()


@pytest.fixture
def services(settings: Settings, clock: ManualClock, prepared: Prepared,
             service_handlers: dict[str, Handler]) -> Iterator[Services]:
    """The services on the test's database, with the deployed definitions already parsed, as after
    `prepare_database` in this process: each test gets its own copy (the parsed specs are shared)."""
    svc = build_services(settings, clock, service_handlers=service_handlers)
    share_compiled_sql(svc.db)  # statements compiled once per process (tests/shared_compilation.py)
    for definition in prepared.definitions:
        svc.engine.definitions.put(replace(definition, _validators={}, start_forms={}))
    yield svc
    svc.db.dispose()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """PASSWORD_HASH, the stored hash of every user of `people`."""
    return PASSWORD_HASH


@pytest.fixture
def people(services: Services, password_hash: str) -> dict[str, User]:
    """Falun's staff, two organisations' representatives, a Stenungsund officer and an admin."""
    def user(username: str, role: str, **kw: Any) -> User:
        return add_user(s, services.clock, username, PASSWORD, role, password_hash=password_hash, **kw)

    with services.unit_of_work() as s:
        add_organisation(s, services.clock, "Föreningen Gemenskap", ORG_A, "a@example.org")
        add_organisation(s, services.clock, "Stödcentrum", ORG_B, "b@example.org")
        made = {
            "org_a": user("org_a", "organisation", organisation=ORG_A, email="org_a@example.org"),
            "org_b": user("org_b", "organisation", organisation=ORG_B),
            "lawyer": user("lawyer", "lawyer", municipality="falun", email="lawyer@example.org"),
            "officer": user("officer", "officer", municipality="falun", email="officer@example.org"),
            "officer2": user("officer2", "officer", municipality="falun"),
            "board": user("board", "board", municipality="falun"),
            "finance": user("finance", "finance", municipality="falun"),
            "owner": user("owner", "process_owner", municipality="falun"),
            "other_officer": user("other_officer", "officer", municipality="stenungsund"),
            "admin": user("admin", "admin"),
        }
    return made


@pytest.fixture
def app(services: Services) -> Flask:
    """The app on `services`; its templates compiled once per process (tests/shared_compilation.py)."""
    app = create_app(services.settings, services=services)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Api:
    """A JSON API client logged in with a bearer token."""

    def __init__(self, client: FlaskClient, username: str) -> None:
        self.client = client
        resp = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert resp.status_code == 200, resp.get_json()
        self.headers = {"Authorization": f"Bearer {resp.get_json()['token']}"}

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(url, headers=self.headers, json=json, **kw)


@pytest.fixture
def api(client: FlaskClient, people: dict[str, User]) -> Any:
    def make(username: str) -> Api:
        return Api(client, username)

    return make


@pytest.fixture
def deploy(services: Services) -> Any:
    def run(directory: Path) -> list[str]:
        return deploy_processes(services, directory)

    return run
