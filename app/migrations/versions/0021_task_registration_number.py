"""each open task carries its case's registration number

Revision ID: 0021_task_registration_number
Revises: 0020_payment_municipality

The inbox search (app.queries.inbox) matches the text in a task's title, its organisation's name and its
case's registration number. The number was looked up in `cases` for every task of the caller's scope (5,000
tasks of a Stenungsund officer: one index probe each, 47 ms on PostgreSQL). A case never changes its number,
so its open tasks carry it (written by app/engine/runtime.py with the task) and the search reads one index of
`open_tasks`: the inbox search index gets the column. Existing tasks get their case's number here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_task_registration_number"
down_revision = "0020_payment_municipality"
branch_labels = None
depends_on = None

TABLE = "open_tasks"
COLUMN = "registration_number"
# keep in step with app/models/task.py
INDEX = "ix_open_tasks_inbox_search"
BEFORE = ["role", "municipality_id", "assignee_id", "title", "organisation_id", "case_id", "due_at", "created_at",
          "id"]
AFTER = ["role", "municipality_id", "assignee_id", "title", "organisation_id", COLUMN, "case_id", "due_at",
         "created_at", "id"]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # SQLite adds a NOT NULL column in place only with a default; a batch copy would rebuild the whole table
        op.execute(f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} VARCHAR(40) NOT NULL DEFAULT ''")
    else:
        op.add_column(TABLE, sa.Column(COLUMN, sa.String(40), nullable=True))
    op.execute("UPDATE open_tasks SET registration_number = (SELECT cases.registration_number FROM cases "
               "WHERE cases.id = open_tasks.case_id)")
    if not sqlite:
        op.alter_column(TABLE, COLUMN, existing_type=sa.String(40), nullable=False)
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, AFTER)


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.create_index(INDEX, TABLE, BEFORE)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN {COLUMN}")
    else:
        op.drop_column(TABLE, COLUMN)
