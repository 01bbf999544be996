"""memberships: a person's roles in several municipalities

Revision ID: 0040_memberships
Revises: 0039_kungsbacka_process

Every municipal user's own role and municipality becomes their first membership; a log-in session remembers the
membership it acts through (app.domain.memberships).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0040_memberships"
down_revision = "0039_kungsbacka_process"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.UniqueConstraint("user_id", "municipality_id", "role", name="uq_memberships_triple"),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_index("ix_memberships_municipality_id", "memberships", ["municipality_id"])
    op.execute("INSERT INTO memberships (user_id, municipality_id, role) "
               "SELECT id, municipality_id, role FROM users "
               "WHERE municipality_id IS NOT NULL AND role <> 'organisation'")
    with op.batch_alter_table("login_sessions") as batch:
        batch.add_column(sa.Column("membership_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_login_sessions_membership", "memberships", ["membership_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("login_sessions") as batch:
        batch.drop_constraint("fk_login_sessions_membership", type_="foreignkey")
        batch.drop_column("membership_id")
    op.drop_index("ix_memberships_municipality_id", table_name="memberships")
    op.drop_index("ix_memberships_user_id", table_name="memberships")
    op.drop_table("memberships")
