"""The app's database engine: SQLite's pragmas, PostgreSQL's planner setting without losing the URL's options."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.db import PG_RANDOM_PAGE_COST, SQLITE_CACHE_KIB, make_engine
from tests.scratch_database import scratch_database


def test_each_connection_gets_the_settings_and_keeps_the_urls_options(tmp_path: Path) -> None:
    with scratch_database(tmp_path / "db.sqlite3", prefix="db") as url:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                if engine.dialect.name == "sqlite":
                    assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
                    assert conn.scalar(text("PRAGMA foreign_keys")) == 1
                    assert conn.scalar(text("PRAGMA cache_size")) == -SQLITE_CACHE_KIB  # KiB, not the 2 MiB default
                else:
                    assert float(conn.scalar(text("SHOW random_page_cost"))) == PG_RANDOM_PAGE_COST
                    schema = url.rsplit("%3D", 1)[1]
                    assert conn.scalar(text("SELECT current_schema()")) == schema  # the URL's search path
        finally:
            engine.dispose()
