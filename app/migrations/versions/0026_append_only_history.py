"""the case history is append-only in the database and each entry is sealed to the one before it

Revision ID: 0026_append_only_history
Revises: 0025_task_search_text

Until now the history was append-only by convention: any UPDATE or DELETE went through, and deleting a case
took its history with it. Now triggers refuse UPDATE and DELETE of `case_events` rows on SQLite and
PostgreSQL (and TRUNCATE on PostgreSQL), so deleting a case that has history fails too. Each entry gets
`prev_hash` (its case's previous entry's hash, "" for the first) and `hash` (SHA-256 over that and its own
content, app/core/history_chain.py, whose format is part of the stored data and must not change);
existing entries are sealed here, per case in id order. `iop records verify` recomputes the chains.

A later data migration that must rewrite history drops the triggers, rewrites and reseals, and creates them
again, and says so in its message.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from app.core.history_chain import GENESIS, entry_hash

revision = "0026_append_only_history"
down_revision = "0025_task_search_text"
branch_labels = None
depends_on = None

TABLE = "case_events"
BATCH = 5000
REFUSAL = "case_events is append-only: a history entry cannot be changed or deleted"

events = sa.table(TABLE, sa.column("id", sa.BigInteger), sa.column("case_id", sa.BigInteger),
                  sa.column("at", sa.DateTime(timezone=True)), sa.column("actor_id", sa.BigInteger),
                  sa.column("actor_name", sa.String), sa.column("kind", sa.String),
                  sa.column("task_name", sa.String), sa.column("title", sa.String), sa.column("data", sa.JSON),
                  sa.column("prev_hash", sa.String), sa.column("hash", sa.String))

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER case_events_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    f"CREATE TRIGGER case_events_no_delete BEFORE DELETE ON {TABLE} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
]
POSTGRES_FUNCTION = f"""
CREATE FUNCTION iop_refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL} (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$"""
POSTGRES_TRIGGERS = [
    f"CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION iop_refuse_history_change()",
    f"CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION iop_refuse_history_change()",
]


def _seal_existing(conn: sa.Connection) -> None:
    """Every existing entry, per case in id order, read in batches by (case_id, id)."""
    last_case, last_id, tail = -1, -1, GENESIS
    while True:
        rows = conn.execute(
            sa.select(events).where(sa.tuple_(events.c.case_id, events.c.id) > sa.tuple_(last_case, last_id))
            .order_by(events.c.case_id, events.c.id).limit(BATCH)).all()
        if not rows:
            return
        updates: list[dict[str, Any]] = []
        for row in rows:
            if row.case_id != last_case:
                tail = GENESIS
            sealed = entry_hash(tail, case_id=row.case_id, at=row.at, actor_id=row.actor_id,
                                actor_name=row.actor_name, kind=row.kind, task_name=row.task_name, title=row.title,
                                data=row.data)
            updates.append({"key": row.id, "prev": tail, "sealed": sealed})
            tail, last_case, last_id = sealed, row.case_id, row.id
        conn.execute(sa.update(events).where(events.c.id == sa.bindparam("key"))
                     .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("sealed")), updates)


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    for column in ("prev_hash", "hash"):
        if sqlite:  # in place: a batch copy would rebuild the table
            op.execute(f"ALTER TABLE {TABLE} ADD COLUMN {column} VARCHAR(64)")
        else:
            op.add_column(TABLE, sa.Column(column, sa.String(64), nullable=True))
    _seal_existing(conn)
    if sqlite:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.execute(POSTGRES_FUNCTION)
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS case_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
        for column in ("hash", "prev_hash"):
            op.execute(f"ALTER TABLE {TABLE} DROP COLUMN {column}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS case_events_append_only ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS case_events_no_truncate ON {TABLE}")
        op.execute("DROP FUNCTION IF EXISTS iop_refuse_history_change()")
        for column in ("hash", "prev_hash"):
            op.drop_column(TABLE, column)
