"""saved case-list filters

Revision ID: 0014_saved_filters
Revises: 0013

One row per user and name: a case-list filter saved with "Spara filter" (app/models/saved_filter.py), removed
with its user. The unique (user_id, name) constraint's index also serves listing a user's filters.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_saved_filters"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_filters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("query", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_filters_user_name"),
    )


def downgrade() -> None:
    op.drop_table("saved_filters")
