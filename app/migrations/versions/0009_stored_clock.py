"""the manual clock stored in the database

Revision ID: 0009
Revises: 0008

With IOP_CLOCK=manual the clock is one row of `stored_clock`, so that web workers and a separate
`iop scheduler` see the same time and a restart keeps it (app.core.clock.StoredClock). The row is
written on first use; a system clock never touches the table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_clock",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("now", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_stored_clock_one_row"),
    )


def downgrade() -> None:
    op.drop_table("stored_clock")
