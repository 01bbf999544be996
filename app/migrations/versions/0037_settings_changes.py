"""a municipality's settings edited by its administrator: the record of changes, the default repayment rule

Revision ID: 0037_settings_changes
Revises: 0036_state_aid

The settings in `municipality_settings` are edited by the municipality's administrator (the settings page and
PUT /api/v1/municipalities/<slug>/settings). `municipality_settings_changes` records each change: who, when, which
setting, the value before and after. `default_repayment_rule` is the repayment rule an agreement gets when its
process does not ask for one (pro_rata, what the agreement code assumed before).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0037_settings_changes"
down_revision = "0036_state_aid"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("municipality_settings") as batch:
        batch.add_column(sa.Column("default_repayment_rule", sa.String(20), nullable=False,
                                   server_default="pro_rata"))
    op.create_table(
        "municipality_settings_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("changed_by_name", sa.String(200), nullable=False),
        sa.Column("field", sa.String(60), nullable=False),
        sa.Column("old_value", JSON, nullable=True),
        sa.Column("new_value", JSON, nullable=True),
    )
    op.create_index("ix_settings_changes_muni_at", "municipality_settings_changes",
                    ["municipality_id", "changed_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_settings_changes_muni_at", table_name="municipality_settings_changes")
    op.drop_table("municipality_settings_changes")
    with op.batch_alter_table("municipality_settings") as batch:
        batch.drop_column("default_repayment_rule")
