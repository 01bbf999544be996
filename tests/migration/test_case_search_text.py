"""Migration 0043: cases carry their registration number and title case-folded (search_text) and organisations
their name (search_name), backfilled by Python; the two case indexes hold search_text in place of the title; it
goes down and up again. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from app.core.search import case_search_text, folded
from tests.scratch_database import alembic, scratch_engine

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BEFORE = "0042_overview_figures"
REVISION = "0043_case_search_text"
CASES = ((1, "KS 2026/0001", "Läxhjälp i ÄNGEN"), (2, "Dnr ÖK-7", "Straße"))


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path / "case_search.sqlite3", prefix="c") as engine:
        yield engine


def _index(engine: Engine, name: str) -> list[str]:
    return next(list(ix["column_names"]) for ix in inspect(engine).get_indexes("cases") if ix["name"] == name)


def _columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def _write(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO municipalities (id, slug, name, registration_format) "
                          "VALUES (1, 'falun', 'Falun', 'KS {year}/{seq:04d}')"))
        conn.execute(text("INSERT INTO organisations (id, name, org_number, created_at) "
                          "VALUES (1, 'Ängelholms FÖRENING', '802000-0001', :now)"), {"now": NOW})
        conn.execute(text("INSERT INTO definition_versions (id, process_id, version, name, content_hash, files, "
                          "spec_json, deployed_at, meta) VALUES (1, 'p', 1, 'p', :h, '{}', '{}', :now, '{}')"),
                     {"h": "0" * 64, "now": NOW})
        for case_id, number, title in CASES:
            conn.execute(text("INSERT INTO cases (id, municipality_id, organisation_id, definition_id, "
                              "registration_number, title, status, current_step, feedback, summary, workflow_json, "
                              "serializer_version, created_at, updated_at, version) VALUES (:id, 1, 1, 1, :number, "
                              ":title, 'running', '', '[]', '{}', '{}', '1', :now, :now, 1)"),
                         {"id": case_id, "number": number, "title": title, "now": NOW})


def test_cases_and_organisations_get_their_folded_texts_and_it_goes_down(fresh: Engine) -> None:
    alembic(fresh, "upgrade", BEFORE)
    _write(fresh)
    assert _index(fresh, "ix_cases_muni_created")[-1] == "title"

    alembic(fresh, "upgrade", REVISION)
    with fresh.connect() as conn:
        texts = dict(conn.execute(text("SELECT id, search_text FROM cases")).all())
        name = conn.execute(text("SELECT search_name FROM organisations")).scalar()
    assert texts == {1: "ks 2026/0001\x1fläxhjälp i ängen", 2: "dnr ök-7\x1fstrasse"}
    assert texts == {i: case_search_text(number, title) for i, number, title in CASES}  # as the engine writes it
    assert name == "ängelholms förening" == folded("Ängelholms FÖRENING")
    for table, column in (("cases", "search_text"), ("organisations", "search_name")):
        found = next(c for c in inspect(fresh).get_columns(table) if c["name"] == column)
        assert found["nullable"] is False, column
    for index in ("ix_cases_muni_created", "ix_cases_created"):
        assert _index(fresh, index)[-2:] == ["registration_number", "search_text"], index

    alembic(fresh, "downgrade", BEFORE)
    assert "search_text" not in _columns(fresh, "cases") and "search_name" not in _columns(fresh, "organisations")
    assert _index(fresh, "ix_cases_created")[-1] == "title"
    alembic(fresh, "upgrade", "head")
    with fresh.connect() as conn:
        assert conn.execute(text("SELECT search_text FROM cases WHERE id = 2")).scalar() == "dnr ök-7\x1fstrasse"
