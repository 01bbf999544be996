"""case migrations: a case moved to another definition version, with its previous document for a revert

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "case_migrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_definition_id", sa.Integer(), sa.ForeignKey("definition_versions.id"), nullable=False),
        sa.Column("to_definition_id", sa.Integer(), sa.ForeignKey("definition_versions.id"), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("previous_workflow_json", sa.Text(), nullable=False),
        sa.Column("previous_serializer_version", sa.String(length=10), nullable=False),
        sa.Column("migrated_document_sha256", sa.String(length=64), nullable=False),
        sa.Column("changes", _json(), nullable=False),
        sa.Column("migrated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("migrated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("migrated_by_name", sa.String(length=200), nullable=False),
        sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reverted_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("reverted_by_name", sa.String(length=200), nullable=True),
    )
    op.create_index("ix_case_migrations_case_id", "case_migrations", ["case_id"])
    op.create_index("ix_case_migrations_to_definition_id", "case_migrations", ["to_definition_id"])
    # running cases per version (admin, /definitions) and the cases a migration may move, without a table scan
    op.create_index("ix_cases_status_definition_municipality", "cases", ["status", "definition_id", "municipality_id"])


def downgrade() -> None:
    op.drop_index("ix_cases_status_definition_municipality", table_name="cases")
    op.drop_index("ix_case_migrations_to_definition_id", table_name="case_migrations")
    op.drop_index("ix_case_migrations_case_id", table_name="case_migrations")
    op.drop_table("case_migrations")
