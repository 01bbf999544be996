"""saved case-list filters

Revision ID: 0014_saved_filters
Revises: 0013
"""

from __future__ import annotations

revision = "0014_saved_filters"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # PLACEHOLDER: filled in by the change that owns this revision


def downgrade() -> None:
    pass  # PLACEHOLDER
