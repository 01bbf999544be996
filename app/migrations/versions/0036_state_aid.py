"""state aid granted to organisations (EU de minimis, Regulations 2023/2831 and 2023/2832)

Revision ID: 0036_state_aid
Revises: 0035_secret_views

A municipality must sum an organisation's de minimis aid over a rolling three years from each grant decision,
across every grantor, before it decides on new aid. `state_aid` holds one row per decision that granted
support to an organisation with economic activity (app/domain/state_aid/ records it when the decision step is
completed): the amount in SEK, the confirmed SEK/EUR rate of the decision date, the amount in euro cents and
the regulation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036_state_aid"
down_revision = "0035_secret_views"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state_aid",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("task_name", sa.String(120), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("amount_sek", sa.BigInteger(), nullable=False),
        sa.Column("eur_rate", sa.String(20), nullable=False),
        sa.Column("amount_eur_cents", sa.BigInteger(), nullable=False),
        sa.Column("regulation", sa.String(40), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("confirmed_by_name", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_state_aid_organisation_decided", "state_aid", ["organisation_id", "decided_on"])
    op.create_index("ix_state_aid_municipality_id", "state_aid", ["municipality_id"])
    op.create_index("ix_state_aid_case_id", "state_aid", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_state_aid_case_id", table_name="state_aid")
    op.drop_index("ix_state_aid_municipality_id", table_name="state_aid")
    op.drop_index("ix_state_aid_organisation_decided", table_name="state_aid")
    op.drop_table("state_aid")
