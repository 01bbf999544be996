"""agreement document templates per municipality, versioned like process definitions

Revision ID: 0033_agreement_templates
Revises: 0032_guideline_reviews

Each municipality's agreement template (processes/templates/<slug>_agreement.txt, the format of
app/domain/agreement_document/template_text.py) is deployed into `agreement_templates` when the database is
prepared, and a process owner deploys new versions from the admin pages. Nothing to fill: the first
`iop serve` (or `iop db upgrade` followed by the deployment) loads the files.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_agreement_templates"
down_revision = "0032_guideline_reviews"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agreement_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deployed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.UniqueConstraint("municipality_id", "version"),
        sa.UniqueConstraint("municipality_id", "content_hash"),
    )
    op.create_index("ix_agreement_templates_municipality_id", "agreement_templates", ["municipality_id"])


def downgrade() -> None:
    op.drop_index("ix_agreement_templates_municipality_id", table_name="agreement_templates")
    op.drop_table("agreement_templates")
