"""the running agreements of a municipality from one index

Revision ID: 0024_agreements_by_municipality
Revises: 0023_version1_agreements

The overview's calendar of one municipality reads the open payments and follow-ups of its running agreements
and the renewal dates of their current periods. Found by municipality, SQLite took every agreement of it from
`ix_agreements_municipality_id` and read its wide row (the JSON columns) to check the status: 18,880 rows, 67 ms
for the payments alone with 100,000 cases. This index holds the municipality, the status, the id and the
current version, so those checks read the index only (23 ms). The query planner chooses it; nothing names it.
"""

from __future__ import annotations

from alembic import op

revision = "0024_agreements_by_municipality"
down_revision = "0023_version1_agreements"
branch_labels = None
depends_on = None

# keep in step with app/models/agreement.py
INDEX = "ix_agreements_municipality_status"
COLUMNS = ["municipality_id", "status", "id", "current_version"]


def upgrade() -> None:
    op.create_index(INDEX, "agreements", COLUMNS)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="agreements")
