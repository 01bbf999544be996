"""Migrations 0024 and 0025: the agreements' municipality index, and open tasks carrying their case-folded search
text (backfilled by Python, in the inbox search index in place of the title and the number); both go down and up
again. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from app.core.search import task_search_text
from tests.scratch_database import alembic, scratch_engine

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BEFORE = "0023_version1_agreements"
INDEXED = "0024_agreements_by_municipality"
REVISION = "0025_task_search_text"
TASKS = (("a", 1, "Granska ÅRSREDOVISNINGEN"), ("b", 1, "Straße och Ö"), ("c", 2, "Lägg upp ekonomisk plan"))


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path / "search.sqlite3", prefix="s") as engine:
        yield engine


def _index(engine: Engine, table: str, name: str) -> list[str] | None:
    found = [ix for ix in inspect(engine).get_indexes(table) if ix["name"] == name]
    return list(found[0]["column_names"]) if found else None


def _write_tasks(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO municipalities (id, slug, name, registration_format) "
                          "VALUES (1, 'falun', 'Falun', 'KS {year}/{seq:04d}')"))
        conn.execute(text("INSERT INTO organisations (id, name, org_number, created_at) "
                          "VALUES (1, 'Föreningen', '802000-0001', :now)"), {"now": NOW})
        conn.execute(text("INSERT INTO definition_versions (id, process_id, version, name, content_hash, files, "
                          "spec_json, deployed_at, meta) VALUES (1, 'p', 1, 'p', :h, '{}', '{}', :now, '{}')"),
                     {"h": "0" * 64, "now": NOW})
        for case_id, number in ((1, "KS 2026/0001"), (2, "Dnr ÖK-7")):
            conn.execute(text("INSERT INTO cases (id, municipality_id, organisation_id, definition_id, "
                              "registration_number, title, status, current_step, feedback, summary, workflow_json, "
                              "serializer_version, created_at, updated_at, version) VALUES (:id, 1, 1, 1, :number, "
                              "'t', 'running', '', '[]', '{}', '{}', '1', :now, :now, 1)"),
                         {"id": case_id, "number": number, "now": NOW})
        for task_id, case_id, title in TASKS:
            conn.execute(text("INSERT INTO open_tasks (id, case_id, municipality_id, organisation_id, "
                              "registration_number, name, title, role, created_at, meta) SELECT :id, :case, 1, 1, "
                              "registration_number, 'n', :title, 'officer', :now, '{}' FROM cases WHERE id = :case"),
                         {"id": task_id, "case": case_id, "title": title, "now": NOW})


def test_tasks_get_their_folded_search_text_and_both_revisions_go_down(fresh: Engine) -> None:
    alembic(fresh, "upgrade", BEFORE)
    _write_tasks(fresh)
    assert _index(fresh, "agreements", "ix_agreements_municipality_status") is None

    alembic(fresh, "upgrade", REVISION)
    assert _index(fresh, "agreements", "ix_agreements_municipality_status") == \
        ["municipality_id", "status", "id", "current_version"]
    with fresh.connect() as conn:
        texts = dict(conn.execute(text("SELECT id, search_text FROM open_tasks")).all())
    assert texts == {"a": "granska årsredovisningen\x1fks 2026/0001", "b": "strasse och ö\x1fks 2026/0001",
                     "c": "lägg upp ekonomisk plan\x1fdnr ök-7"}
    assert texts["c"] == task_search_text("Lägg upp ekonomisk plan", "Dnr ÖK-7")  # as the engine writes it
    column = next(c for c in inspect(fresh).get_columns("open_tasks") if c["name"] == "search_text")
    assert column["nullable"] is False
    assert _index(fresh, "open_tasks", "ix_open_tasks_inbox_search") == \
        ["role", "municipality_id", "assignee_id", "search_text", "organisation_id", "case_id", "due_at",
         "created_at", "id"]

    alembic(fresh, "downgrade", BEFORE)
    assert "search_text" not in {c["name"] for c in inspect(fresh).get_columns("open_tasks")}
    assert _index(fresh, "agreements", "ix_agreements_municipality_status") is None
    assert "title" in (_index(fresh, "open_tasks", "ix_open_tasks_inbox_search") or [])
    alembic(fresh, "upgrade", "head")
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT search_text FROM open_tasks WHERE id = 'b'")).scalar() == \
            "strasse och ö\x1fks 2026/0001"
