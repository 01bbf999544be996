"""archive packages, retention per municipality and process, and recorded disposal decisions

Revision ID: 0030_disposal_decisions
Revises: 0026_append_only_history

`archive_exports` records each archival package `iop archive export` wrote (where, the SHA-256 of its
checksum list, the newest history hash it holds). `municipality_settings.retention_years` holds, per process
id, the years after closing until a finished case is due for disposal (absent or null: kept forever; existing
rows get {} so nothing becomes due). `disposal_decisions` records who decided a disposal, under which reference
and on which date; `disposed_cases` is each disposed case's tombstone. The history stays append-only
(migration 0026): disposal adds a history entry and removes document contents, it deletes no history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0030_disposal_decisions"
down_revision = "0026_append_only_history"
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("municipality_settings") as batch:
        batch.add_column(sa.Column("retention_years", JSON_TYPE, nullable=False, server_default="{}"))
    op.create_table(
        "archive_exports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("exported_at", MOMENT, nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("checksums_sha256", sa.String(64), nullable=False),
        sa.Column("history_head", sa.String(64), nullable=False),
        sa.Column("history_entries", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
    )
    op.create_table(
        "disposal_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False, index=True),
        sa.Column("decision_ref", sa.String(200), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", MOMENT, nullable=False),
    )
    op.create_table(
        "disposed_cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("decision_id", sa.Integer(), sa.ForeignKey("disposal_decisions.id"), nullable=False, index=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("registration_number", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("export_id", sa.Integer(), sa.ForeignKey("archive_exports.id"), nullable=False),
        sa.Column("documents_removed", sa.Integer(), nullable=False),
        sa.Column("disposed_at", MOMENT, nullable=False),
        sa.UniqueConstraint("case_id", name="uq_disposed_cases_case_id"),
    )


def downgrade() -> None:
    op.drop_table("disposed_cases")
    op.drop_table("disposal_decisions")
    op.drop_table("archive_exports")
    with op.batch_alter_table("municipality_settings") as batch:
        batch.drop_column("retention_years")
