"""the log of every view of a secret form value

Revision ID: 0035_secret_views
Revises: 0034_document_register

A form field may be secret with its legal ground (`x-secret`, app.engine.field_rules); the roles it names see
the value and each view is a row here (app.domain.visibility), read by administrators at /admin/secret-views.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0035_secret_views"
down_revision = "0034_document_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secret_views",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("username", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("form", sa.String(200), nullable=False),
        sa.Column("field", sa.String(120), nullable=False),
        sa.Column("ground", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
    )
    op.create_index("ix_secret_views_case", "secret_views", ["case_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_secret_views_case", table_name="secret_views")
    op.drop_table("secret_views")
