"""server-side sessions, log-in attempts

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
    )
    op.create_index("ix_login_sessions_user_id", "login_sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
    )
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])
    op.create_index("ix_login_attempts_address_at", "login_attempts", ["address", "at"])
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("registered_by_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_organisations_registered_by_id", "municipalities", ["registered_by_id"], ["id"])
        batch.create_index("ix_organisations_registered_by_id", ["registered_by_id"])


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.drop_index("ix_organisations_registered_by_id")
        batch.drop_constraint("fk_organisations_registered_by_id", type_="foreignkey")
        batch.drop_column("registered_by_id")
    op.drop_table("login_attempts")
    op.drop_table("login_sessions")
