"""personal calendar feed links

Revision ID: 0012_calendar_feeds
Revises: 0009

One row per staff user who created a calendar link: the SHA-256 of the secret token in the feed URL
(/calendar/<token>.ics) and the municipality whose agreement dates it shows (app/models/calendar_feed.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_calendar_feeds"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
