"""agreement projections: agreements, periods, payments, follow-ups, repayment claims

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _fk_agreement() -> sa.Column:
    return sa.Column("agreement_id", sa.Integer(), sa.ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("parties", _json(), nullable=False),
        sa.Column("statistics", _json(), nullable=False),
        sa.Column("repayment_rule", sa.String(length=20), nullable=False),
        sa.Column("notices", _json(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id"),
    )
    op.create_index("ix_agreements_municipality_id", "agreements", ["municipality_id"])
    op.create_table(
        "agreement_periods",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_agreement(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("yearly_amount_sek", sa.Integer(), nullable=False),
        sa.Column("total_sek", sa.Integer(), nullable=False),
        sa.Column("payment_interval", sa.String(length=20), nullable=False),
        sa.Column("decision_ref", sa.String(length=100), nullable=False),
        sa.Column("renewal_dialogue_opens", sa.Date(), nullable=False),
        sa.Column("renewal_decision_deadline", sa.Date(), nullable=False),
        sa.UniqueConstraint("agreement_id", "version"),
    )
    op.create_index("ix_agreement_periods_renewal_dialogue_opens", "agreement_periods", ["renewal_dialogue_opens"])
    op.create_table(
        "agreement_payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_agreement(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("amount_sek", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("gate", sa.String(length=20), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.UniqueConstraint("agreement_id", "version", "number"),
    )
    op.create_index("ix_agreement_payments_status_due", "agreement_payments", ["status", "due"])
    op.create_table(
        "agreement_follow_ups",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_agreement(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("gates", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.UniqueConstraint("agreement_id", "version", "year"),
    )
    op.create_table(
        "repayment_claims",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk_agreement(),
        sa.Column("terminated_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("amount_sek", sa.Integer(), nullable=False),
        sa.Column("settled_sek", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lines", _json(), nullable=False),
        sa.UniqueConstraint("agreement_id"),
    )


def downgrade() -> None:
    for table in ("repayment_claims", "agreement_follow_ups", "agreement_payments", "agreement_periods"):
        op.drop_table(table)
    op.drop_index("ix_agreements_municipality_id", table_name="agreements")
    op.drop_table("agreements")
