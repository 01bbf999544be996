"""A database of a test's own: a SQLite file, or a fresh PostgreSQL schema when IOP_TEST_DATABASE_URL is set.

`Template` holds a prepared database (migrated, municipalities loaded, processes/ deployed) once per
test session and gives each test the same starting rows: on SQLite a copy of the prepared file, on
PostgreSQL the session's schema emptied and refilled with the prepared rows."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Engine, Integer, MetaData, create_engine, func, select, text

from app.migrate import alembic_config


def postgres_url(base: str, schema: str) -> str:
    """`base` with `schema` first on the search path."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@contextmanager
def scratch_database(sqlite_file: Path, prefix: str = "t") -> Iterator[str]:
    """The URL of an empty database: `sqlite_file`, or a schema named `prefix_<random>` dropped afterwards."""
    pg = os.environ.get("IOP_TEST_DATABASE_URL")
    if not pg:
        yield f"sqlite:///{sqlite_file}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield postgres_url(pg, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def scratch_engine(sqlite_file: Path, prefix: str = "t") -> Iterator[Engine]:
    """An engine on an empty `scratch_database`, disposed afterwards."""
    with scratch_database(sqlite_file, prefix) as url:
        engine = create_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def alembic(engine: Engine, action: str, revision: str) -> None:
    """Run one Alembic command (`upgrade`, `downgrade`, `stamp`) to `revision` on `engine`'s database."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL, None for another database."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


class Template:
    """The rows of a prepared database, handed to each test as its starting point."""

    def __init__(self, url: str, metadata: MetaData, engine: Engine) -> None:
        """`engine`: connected to `url` once it is prepared; it is read here, not kept."""
        self.url = url
        self.metadata = metadata
        self.rows: dict[str, list[dict[str, Any]]] = {}
        if sqlite_path(url) is None:
            with engine.connect() as conn:
                self.rows = {t.name: [dict(r) for r in conn.execute(t.select()).mappings()]
                             for t in metadata.sorted_tables}

    def database_for_test(self, folder: Path) -> str:
        """The URL of a database holding the template's rows and nothing else."""
        source = sqlite_path(self.url)
        if source is None:
            self._refill()
            return self.url
        copy = folder / "test.sqlite3"
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(copy)) as dst:
            src.backup(dst)
        return f"sqlite:///{copy}"

    def _refill(self) -> None:
        """Empty every table of the PostgreSQL schema, put the template's rows back, and set each id
        sequence where preparing the database left it."""
        engine = create_engine(self.url)
        tables = self.metadata.sorted_tables
        try:
            with engine.begin() as conn:
                names = ", ".join(t.name for t in reversed(tables))
                # the history refuses TRUNCATE (migration 0026); a test database is emptied with triggers off
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                for table in tables:
                    rows = self.rows[table.name]
                    if not rows:
                        continue
                    conn.execute(table.insert(), rows)
                    for column in table.primary_key.columns:
                        if not isinstance(column.type, Integer) or column.autoincrement is False:
                            continue
                        sequence = conn.scalar(select(func.pg_get_serial_sequence(table.name, column.name)))
                        if sequence is not None:
                            conn.execute(select(func.setval(sequence, select(func.max(column)).scalar_subquery())))
        finally:
            engine.dispose()
