"""A database of a test's own: a SQLite file, or a fresh PostgreSQL schema when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text


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
