"""task form drafts

Revision ID: 0013
Revises: 0012_calendar_feeds

One row per open task and user: the form values saved with "Spara utkast" (app/models/draft.py). The row is
removed with its task (ON DELETE CASCADE on open_tasks.id) and with its user.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012_calendar_feeds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("task_id", sa.String(36), sa.ForeignKey("open_tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("task_id", "user_id", name="uq_task_drafts_task_user"),
    )
    op.create_index("ix_task_drafts_user_id", "task_drafts", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_task_drafts_user_id", table_name="task_drafts")
    op.drop_table("task_drafts")
