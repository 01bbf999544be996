"""decisions taken under delegation, the delegation order's items, and reports to the committee

Revision ID: 0031_delegated_decisions
Revises: 0030_disposal_decisions

Public-records and local-government law want each decision an official takes on a committee's behalf recorded
with who decided, under which delegation item and when, and reported to the committee. `delegation_items` is a
municipality's delegation order for the decision steps of its processes (loaded from config/ where none is
stored), `delegated_decisions` one row per decision taken (app/domain/delegation.py records it when the step
is completed) and `delegation_reports` one report to a committee meeting.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_delegated_decisions"
down_revision = "0030_disposal_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delegation_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("delegate", sa.String(200), nullable=False),
        sa.Column("committee", sa.String(200), nullable=False),
        sa.Column("process_id", sa.String(120), nullable=False),
        sa.Column("task_name", sa.String(120), nullable=False),
        sa.UniqueConstraint("municipality_id", "process_id", "task_name", name="uq_delegation_items_step"),
    )
    op.create_index("ix_delegation_items_municipality_id", "delegation_items", ["municipality_id"])
    op.create_table(
        "delegation_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False),
        sa.Column("committee", sa.String(200), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(120), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("reported_by_name", sa.String(200), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_delegation_reports_municipality_id", "delegation_reports", ["municipality_id"])
    op.create_table(
        "delegated_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("task_name", sa.String(120), nullable=False),
        sa.Column("step_title", sa.String(300), nullable=False),
        sa.Column("item_code", sa.String(40), nullable=False),
        sa.Column("item_title", sa.String(300), nullable=False),
        sa.Column("delegate", sa.String(200), nullable=False),
        sa.Column("committee", sa.String(200), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_by_name", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("delegation_reports.id"), nullable=True),
    )
    op.create_index("ix_delegated_decisions_case_id", "delegated_decisions", ["case_id"])
    op.create_index("ix_delegated_decisions_muni_report", "delegated_decisions",
                    ["municipality_id", "report_id", "decided_at"])


def downgrade() -> None:
    op.drop_table("delegated_decisions")
    op.drop_table("delegation_reports")
    op.drop_table("delegation_items")
