"""indexes for the inbox search

Revision ID: 0019_inbox_search
Revises: 0018_overview_indexes

The inbox search (app.queries.inbox) matches registration numbers only among the cases of the caller's tasks,
each looked up by its id. Looked up by its key, a case's whole (wide) row is read; this index holds the id and
the registration number, so the lookup reads the index alone (5,000 tasks: 26 ms → 3 ms on SQLite). The
search's tasks are read from an index holding the scope, every searched column and the sort keys, not from
their (wide) rows.
"""

from __future__ import annotations

from alembic import op

revision = "0019_inbox_search"
down_revision = "0018_overview_indexes"
branch_labels = None
depends_on = None


# (name, table, columns): keep in step with app/models/case.py and task.py
INDEXES: list[tuple[str, str, list[str]]] = [
    ("ix_cases_id_registration", "cases", ["id", "registration_number"]),
    ("ix_open_tasks_inbox_search", "open_tasks", ["role", "municipality_id", "assignee_id", "title", "organisation_id",
                                                  "case_id", "due_at", "created_at", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
