"""the document register of each case: one sealed, append-only row per document received or drawn up

Revision ID: 0034_document_register
Revises: 0033_agreement_templates

A new table `document_register` (app/models/register.py): per case a running number, when, which way
(incoming, outgoing, internal), the counterpart, kind, description, optional links to the stored file or the
outbox mail, who registered it, the document's digest, and `prev_hash`/`hash` chaining the case's rows
(app/core/register_chain.py). As with the history (0026), triggers refuse UPDATE and DELETE on SQLite and
PostgreSQL, and TRUNCATE on PostgreSQL. Documents that existed before this revision are not registered here
afterwards: the register starts empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034_document_register"
down_revision = "0033_agreement_templates"
branch_labels = None
depends_on = None

TABLE = "document_register"
REFUSAL = "document_register is append-only: a registered document cannot be changed or deleted"

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER document_register_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    f"CREATE TRIGGER document_register_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
]
POSTGRES_FUNCTION = f"""
CREATE FUNCTION iop_refuse_register_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL} (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$"""
POSTGRES_TRIGGERS = [
    f"CREATE TRIGGER document_register_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION iop_refuse_register_change()",
    f"CREATE TRIGGER document_register_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION iop_refuse_register_change()",
]


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("counterpart", sa.String(300), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("attachment_id", sa.Integer(), sa.ForeignKey("attachments.id"), nullable=True),
        sa.Column("notification_id", sa.Integer(), sa.ForeignKey("notifications.id"), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("registered_by_name", sa.String(200), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=True),
        sa.Column("hash", sa.String(64), nullable=True),
        sa.UniqueConstraint("case_id", "number", name="uq_document_register_case_number"),
    )
    op.create_index("ix_document_register_case_id", TABLE, ["case_id"])
    op.create_index("ix_document_register_attachment_id", TABLE, ["attachment_id"])
    op.create_index("ix_document_register_notification_id", TABLE, ["notification_id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        op.execute(POSTGRES_FUNCTION)
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS document_register_no_truncate ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS document_register_append_only ON {TABLE}")
        op.execute("DROP FUNCTION IF EXISTS iop_refuse_register_change()")
    op.drop_table(TABLE)  # SQLite drops the table's triggers with it
