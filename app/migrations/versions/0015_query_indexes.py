"""indexes for the case list, overview and benchmarks

Revision ID: 0015_query_indexes
Revises: 0014_saved_filters
"""

from __future__ import annotations

revision = "0015_query_indexes"
down_revision = "0014_saved_filters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # PLACEHOLDER: filled in by the change that owns this revision


def downgrade() -> None:
    pass  # PLACEHOLDER
