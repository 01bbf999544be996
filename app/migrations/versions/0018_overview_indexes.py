"""indexes for the administrator's overview

Revision ID: 0018_overview_indexes
Revises: 0017_scheduler_heartbeats

The overview (app.queries.overview) sums the payments per year and municipality and counts the open payments
and follow-ups of the running agreements per month. Without these, each payment or follow-up looked up its
agreement's (large) row; with them, the agreements in scope are read from an index and their payments and
follow-ups from an index that holds every column the sums need.
"""

from __future__ import annotations

from alembic import op

revision = "0018_overview_indexes"
down_revision = "0017_scheduler_heartbeats"
branch_labels = None
depends_on = None


# (name, table, columns): keep in step with app/models/agreement.py
INDEXES: list[tuple[str, str, list[str]]] = [
    ("ix_agreement_payments_money", "agreement_payments", ["agreement_id", "status", "due", "amount_sek"]),
    ("ix_agreement_payments_open_due", "agreement_payments", ["status", "due", "agreement_id"]),
    ("ix_agreement_follow_ups_open_due", "agreement_follow_ups", ["status", "due", "agreement_id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
