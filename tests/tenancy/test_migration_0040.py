"""Migration 0040: every municipal user's own role and municipality becomes a membership; organisation users and
the installation's administrators get none; log-in sessions get the column of their chosen membership; the
revision goes down and up again. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from app.core.roles import Role
from app.domain import memberships
from app.domain.accounts import municipality_by_slug, user_by_username
from app.models import User
from app.services import Services
from tests.scratch_database import alembic, scratch_engine

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BEFORE = "0039_kungsbacka_process"
REVISION = "0040_memberships"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path / "memberships.sqlite3", prefix="m") as engine:
        yield engine


def test_existing_users_get_their_membership_and_the_revision_goes_down(fresh: Engine) -> None:
    alembic(fresh, "upgrade", BEFORE)
    with fresh.begin() as conn:
        for muni_id, slug in ((1, "falun"), (2, "gavle")):
            conn.execute(text("INSERT INTO municipalities (id, slug, name, registration_format) "
                              "VALUES (:id, :slug, :slug, 'KS {year}/{seq:04d}')"), {"id": muni_id, "slug": slug})
        conn.execute(text("INSERT INTO organisations (id, name, org_number, created_at) "
                          "VALUES (1, 'Föreningen', '802000-0001', :now)"), {"now": NOW})
        for user_id, role, muni, org in ((1, "officer", 1, None), (2, "lawyer", 2, None), (3, "admin", 2, None),
                                         (4, "admin", None, None), (5, "organisation", None, 1)):
            conn.execute(text("INSERT INTO users (id, username, display_name, password_hash, role, municipality_id, "
                              "organisation_id, language, active, created_at) VALUES (:id, :name, '', 'x', :role, "
                              ":muni, :org, 'sv', true, :now)"),
                         {"id": user_id, "name": f"u{user_id}", "role": role, "muni": muni, "org": org, "now": NOW})
    alembic(fresh, "upgrade", REVISION)
    with fresh.connect() as conn:
        rows = conn.execute(text("SELECT user_id, municipality_id, role FROM memberships ORDER BY user_id")).all()
    assert [tuple(r) for r in rows] == [(1, 1, "officer"), (2, 2, "lawyer"), (3, 2, "admin")]
    assert "membership_id" in {c["name"] for c in inspect(fresh).get_columns("login_sessions")}
    alembic(fresh, "downgrade", BEFORE)
    assert "memberships" not in inspect(fresh).get_table_names()
    assert "membership_id" not in {c["name"] for c in inspect(fresh).get_columns("login_sessions")}
    alembic(fresh, "upgrade", REVISION)
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 3


def test_a_changed_own_role_moves_the_home_membership(services: Services, people: dict[str, User]) -> None:
    """What the OpenID log-in does when the role map gives a person another role or municipality: the old own
    membership goes, the new one comes, further memberships stay."""
    with services.unit_of_work() as s:
        person = user_by_username(s, "officer")
        memberships.grant(s, person, "board", municipality_by_slug(s, "gavle"))
        old = (person.role, person.municipality_id)
        person.role = Role.LAWYER
        person.municipality_id = municipality_by_slug(s, "stenungsund").id
        s.flush()
        memberships.follow_home(s, person, *old)
        held = sorted((m.municipality.slug, m.role) for m in memberships.of_user(s, person.id))
    assert held == [("gavle", "board"), ("stenungsund", "lawyer")]
