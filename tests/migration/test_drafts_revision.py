"""Migration 0013: the task_drafts table (one draft per task and user, removed with its task or user), and the
revision goes down and up again. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app.migrate import alembic_config
from tests.scratch_database import alembic, scratch_engine


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path / "drafts.sqlite3", prefix="d") as engine:
        yield engine


def test_one_head_and_0013_follows_the_calendar_feeds() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    revision = script.get_revision("0013")
    assert revision is not None and revision.down_revision == "0012_calendar_feeds"


def test_the_drafts_table_goes_with_its_task_and_user_and_the_revision_goes_down(fresh: Engine) -> None:
    alembic(fresh, "upgrade", "0012_calendar_feeds")
    assert "task_drafts" not in inspect(fresh).get_table_names()
    alembic(fresh, "upgrade", "0013")
    schema = inspect(fresh)
    assert {c["name"] for c in schema.get_columns("task_drafts")} == {"id", "task_id", "user_id", "data", "saved_at"}
    keys = {fk["referred_table"]: fk for fk in schema.get_foreign_keys("task_drafts")}
    assert keys["open_tasks"]["constrained_columns"] == ["task_id"]
    assert keys["open_tasks"]["options"].get("ondelete") == "CASCADE"
    assert keys["users"]["options"].get("ondelete") == "CASCADE"
    assert [set(u["column_names"]) for u in schema.get_unique_constraints("task_drafts")] == [{"task_id", "user_id"}]
    alembic(fresh, "downgrade", "0012_calendar_feeds")
    assert "task_drafts" not in inspect(fresh).get_table_names()
    alembic(fresh, "upgrade", "head")
    assert "task_drafts" in inspect(fresh).get_table_names()
