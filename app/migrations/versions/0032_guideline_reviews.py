"""the IOP guidelines are reviewed once per electoral term: a task per municipality and term, and its day

Revision ID: 0032_guideline_reviews
Revises: 0031_delegated_decisions

Stenungsund's guidelines (and the others') are to be reviewed once per electoral term. `guideline_reviews` holds
one row per municipality and term (the election's year, unique, so two schedulers open it once), opened on
`municipality_settings.guidelines_review_on` (MM-DD, default 03-01) of the year after the general election and
completed by a process owner (app/domain/guidelines.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032_guideline_reviews"
down_revision = "0031_delegated_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality_settings") as batch:
        batch.add_column(sa.Column("guidelines_review_on", sa.String(5), nullable=False, server_default="03-01"))
    with op.batch_alter_table("municipality_settings") as batch:
        batch.alter_column("guidelines_review_on", server_default=None)
    op.create_table(
        "guideline_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False),
        sa.Column("election_year", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("decision_reference", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("completed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("completed_by_name", sa.String(200), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("municipality_id", "election_year", name="uq_guideline_reviews_term"),
    )


def downgrade() -> None:
    op.drop_table("guideline_reviews")
    with op.batch_alter_table("municipality_settings") as batch:
        batch.drop_column("guidelines_review_on")
