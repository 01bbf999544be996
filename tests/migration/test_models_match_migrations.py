"""The models describe the schema the Alembic migrations build: an empty database upgraded to head, compared
with the models' metadata by Alembic's autogenerate, shows no difference (a model changed without a migration,
or a migration the models do not follow, would).

The status and role columns are typed with enumerations (app/models/types.py `StrEnumColumn`) stored as the
same VARCHAR(20) strings as before, so they need no migration: this test is what says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import app.models  # noqa: F401  (registers the tables)
from app.db import Base
from tests.scratch_database import alembic, scratch_engine


def _differences(diff: list[Any]) -> list[Any]:
    """Autogenerate's differences; a group of column changes (a list) counts as each of its entries."""
    found: list[Any] = []
    for entry in diff:
        found.extend(entry if isinstance(entry, list) else [entry])
    return found


def test_the_migrations_build_what_the_models_describe(tmp_path: Path) -> None:
    with scratch_engine(tmp_path / "db.sqlite3", prefix="meta") as engine:
        alembic(engine, "upgrade", "head")
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            diff = compare_metadata(context, Base.metadata)
    assert _differences(diff) == []
