"""each open task carries the text the inbox search matches, case-folded

Revision ID: 0025_task_search_text
Revises: 0024_agreements_by_municipality

The inbox search matched `title ILIKE '%q%' OR registration_number ILIKE '%q%'` on every task of the caller's
scope. PostgreSQL folds the case of both columns for each row (5,000 tasks of a Stenungsund officer: 6-10 ms per
scan, and a page scanned twice); SQLite's ILIKE folds ASCII letters only, so "ÅNGE" did not find "Ånge". Now
each task carries `search_text`, its title and registration number case-folded in Python
(app/core/search.py, written by app/engine/runtime.py with the task) and the search is a plain LIKE on it
(2 ms). Existing tasks get theirs here, folded by Python as new ones are. The inbox search index holds the new
column in place of the two.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_task_search_text"
down_revision = "0024_agreements_by_municipality"
branch_labels = None
depends_on = None

TABLE = "open_tasks"
COLUMN = "search_text"
SEPARATOR = "\x1f"  # app/core/search.py at this revision
BATCH = 2000
# keep in step with app/models/task.py
INDEX = "ix_open_tasks_inbox_search"
BEFORE = ["role", "municipality_id", "assignee_id", "title", "organisation_id", "registration_number", "case_id",
          "due_at", "created_at", "id"]
AFTER = ["role", "municipality_id", "assignee_id", COLUMN, "organisation_id", "case_id", "due_at", "created_at",
         "id"]

tasks = sa.table(TABLE, sa.column("id", sa.String), sa.column("title", sa.String),
                 sa.column("registration_number", sa.String), sa.column(COLUMN, sa.String))


def _fill(conn: sa.Connection) -> None:
    last = ""
    while True:
        rows = conn.execute(sa.select(tasks.c.id, tasks.c.title, tasks.c.registration_number)
                            .where(tasks.c.id > last).order_by(tasks.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(sa.update(tasks).where(tasks.c.id == sa.bindparam("key"))
                     .values({COLUMN: sa.bindparam("text")}),
                     [{"key": r.id, "text": SEPARATOR.join((r.title.casefold(), r.registration_number.casefold()))}
                      for r in rows])
        last = rows[-1].id


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:  # in place: a batch copy would rebuild the table
        op.execute(f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} VARCHAR(400) NOT NULL DEFAULT ''")
    else:
        op.add_column(TABLE, sa.Column(COLUMN, sa.String(400), nullable=True))
    _fill(conn)
    if not sqlite:
        op.alter_column(TABLE, COLUMN, existing_type=sa.String(400), nullable=False)
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, AFTER)


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, BEFORE)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN {COLUMN}")
    else:
        op.drop_column(TABLE, COLUMN)
