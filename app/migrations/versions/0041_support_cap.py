"""A municipality's cap on the support per agreement and year

Revision ID: 0041_support_cap
Revises: 0040_memberships

`max_yearly_support_sek` (0: no cap, what every municipality had before) is checked with the plan before the
decision, in every municipality's process (issue 14: the agreement machinery is configured by the settings,
caps among them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0041_support_cap"
down_revision = "0040_memberships"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality_settings") as batch:
        batch.add_column(sa.Column("max_yearly_support_sek", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("municipality_settings") as batch:
        batch.drop_column("max_yearly_support_sek")
