"""indexes for the inbox and finished-by-me

Revision ID: 0016_inbox_indexes
Revises: 0015_query_indexes
"""

from __future__ import annotations

revision = "0016_inbox_indexes"
down_revision = "0015_query_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # PLACEHOLDER: filled in by the change that owns this revision


def downgrade() -> None:
    pass  # PLACEHOLDER
