"""indexes for the inbox and finished-by-me

Revision ID: 0016_inbox_indexes
Revises: 0015_query_indexes
"""

from __future__ import annotations

from alembic import op

revision = "0016_inbox_indexes"
down_revision = "0015_query_indexes"
branch_labels = None
depends_on = None


# (name, table, columns): keep in step with app/models/task.py and event.py
INDEXES: list[tuple[str, str, list[str]]] = [
    # the inbox (app.queries.inbox): a role's tasks in a municipality, free or the caller's, with every sort
    # key, so the page's ids and its count are read from the index alone before the page's rows are joined
    ("ix_open_tasks_inbox", "open_tasks", ["role", "municipality_id", "assignee_id", "due_at", "created_at", "id",
                                           "title"]),
    # "Avslutade av mig": the tasks a user completed, newest first
    ("ix_case_events_actor_kind", "case_events", ["actor_id", "kind", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
