"""Changing an append-only table behind the application's back, as someone with the database owner's rights
could: its triggers (migrations 0026 and 0034) off for one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from app.services import Services


@contextmanager
def behind_the_applications_back(services: Services, table: str) -> Iterator[Connection]:
    """A connection on which `table`'s refusing triggers (`<table>_no_update`, `<table>_no_delete` on SQLite)
    do not fire, for this transaction only."""
    with services.db.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            yield conn
            return
        for action in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER {table}_no_{action}"))
        yield conn
        for action in ("update", "delete"):
            conn.execute(text(f"CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table} "
                              "BEGIN SELECT RAISE(ABORT, 'append-only'); END"))
