"""The overview's calendar and money, stored per scope

Revision ID: 0042_overview_figures
Revises: 0041_support_cap

Computed by the scheduler in the background (issue 11: the overview's server time); every web process reads
them from here instead of computing them for the first request of each minute in each process.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0042_overview_figures"
down_revision = "0041_support_cap"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overview_figures",
        sa.Column("scope", sa.String(40), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("figures", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("overview_figures")
