"""Migration 0021: open tasks carry their case's registration number (backfilled), the inbox search index holds
it, and the revision goes down and up again. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from app.migrate import alembic_config
from tests.scratch_database import alembic, scratch_engine

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BEFORE = "0020_payment_municipality"
REVISION = "0021_task_registration_number"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path / "numbers.sqlite3", prefix="n") as engine:
        yield engine


def _search_index(engine: Engine) -> list[str]:
    found = [ix for ix in inspect(engine).get_indexes("open_tasks") if ix["name"] == "ix_open_tasks_inbox_search"]
    assert len(found) == 1
    return list(found[0]["column_names"])


def test_0021_follows_0020_with_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1 and REVISION in {r.revision for r in script.walk_revisions()}
    revision = script.get_revision(REVISION)
    assert revision is not None and revision.down_revision == BEFORE


def test_existing_tasks_get_their_case_number_and_the_revision_goes_down(fresh: Engine) -> None:
    alembic(fresh, "upgrade", BEFORE)
    with fresh.begin() as conn:
        conn.execute(text("INSERT INTO municipalities (id, slug, name, registration_format, settings) "
                          "VALUES (1, 'falun', 'Falun', 'KS {year}/{seq:04d}', '{}')"))
        conn.execute(text("INSERT INTO organisations (id, name, org_number, created_at) "
                          "VALUES (1, 'Föreningen', '802000-0001', :now)"), {"now": NOW})
        conn.execute(text("INSERT INTO definition_versions (id, process_id, version, name, content_hash, files, "
                          "spec_json, deployed_at, meta) VALUES (1, 'p', 1, 'p', :h, '{}', '{}', :now, '{}')"),
                     {"h": "0" * 64, "now": NOW})
        for case_id, number in ((1, "KS 2026/0001"), (2, "KS 2026/0002")):
            conn.execute(text("INSERT INTO cases (id, municipality_id, organisation_id, definition_id, "
                              "registration_number, title, status, current_step, feedback, summary, workflow_json, "
                              "serializer_version, created_at, updated_at, version) VALUES (:id, 1, 1, 1, :number, "
                              "'t', 'running', '', '[]', '{}', '{}', '1', :now, :now, 1)"),
                         {"id": case_id, "number": number, "now": NOW})
        for task_id, case_id in (("a", 1), ("b", 1), ("c", 2)):
            conn.execute(text("INSERT INTO open_tasks (id, case_id, municipality_id, organisation_id, name, title, "
                              "role, created_at, meta) VALUES (:id, :case, 1, 1, 'n', 't', 'officer', :now, '{}')"),
                         {"id": task_id, "case": case_id, "now": NOW})
    assert "registration_number" not in _search_index(fresh)

    alembic(fresh, "upgrade", REVISION)
    with fresh.connect() as conn:
        numbers = dict(conn.execute(text("SELECT id, registration_number FROM open_tasks")).all())
    assert numbers == {"a": "KS 2026/0001", "b": "KS 2026/0001", "c": "KS 2026/0002"}
    column = next(c for c in inspect(fresh).get_columns("open_tasks") if c["name"] == "registration_number")
    assert column["nullable"] is False
    assert _search_index(fresh) == ["role", "municipality_id", "assignee_id", "title", "organisation_id",
                                    "registration_number", "case_id", "due_at", "created_at", "id"]

    alembic(fresh, "downgrade", BEFORE)
    assert "registration_number" not in {c["name"] for c in inspect(fresh).get_columns("open_tasks")}
    assert "registration_number" not in _search_index(fresh)
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM open_tasks")).scalar() == 3
    alembic(fresh, "upgrade", "head")
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT registration_number FROM open_tasks WHERE id = 'c'")).scalar() == \
            "KS 2026/0002"
