"""each municipality's settings in typed columns of their own table

Revision ID: 0022_municipality_settings
Revises: 0021_task_registration_number

The agreement settings were read from config/municipalities/<slug>.json on disk at run time, while the rest of
a municipality's settings (processes offered, reminder days) sat in the JSON column municipalities.settings.
Now all of them live in municipality_settings, one row per municipality, loaded from config/ when the database
is prepared and read through app/core/municipal_settings.py (settings_of; it types and validates them).
The rows are filled here from the old column (missing values take the defaults), which is then dropped.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0022_municipality_settings"
down_revision = "0021_task_registration_number"
branch_labels = None
depends_on = None

TABLE = "municipality_settings"
JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")
# the defaults of app/core/municipal_settings.py when this migration was written
DEFAULTS: dict[str, Any] = {
    "reminder_days_before_due": 2,
    "renewal_dialogue_months_before_end": 9,
    "renewal_deadline_months_before_end": 3,
    "max_agreement_years": 5,
    "default_payment_interval": "yearly",
    "follow_up_opens_months_before_anniversary": 2,
    "follow_up_due_months_before_anniversary": 1,
    "payment_overdue_days": 10,
    "late_renewal_decision": "warn",
}
TEXT_COLUMNS = {"default_payment_interval": 20, "late_renewal_decision": 10}


def _columns() -> list[sa.Column[Any]]:
    return [sa.Column(name, sa.String(TEXT_COLUMNS[name]) if name in TEXT_COLUMNS else sa.Integer(), nullable=False)
            for name in DEFAULTS]


def upgrade() -> None:
    settings = op.create_table(
        TABLE,
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipalities.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("processes", JSON_TYPE, nullable=False),
        *_columns(),
    )
    bind = op.get_bind()
    rows = []
    for municipality_id, raw in bind.execute(sa.text("SELECT id, settings FROM municipalities")):
        values = _mapping(raw)
        row: dict[str, Any] = {"municipality_id": municipality_id, "processes": list(values.get("processes") or [])}
        for name, default in DEFAULTS.items():
            value = values.get(name, default)
            row[name] = str(value) if name in TEXT_COLUMNS else int(value)
        rows.append(row)
    if rows:
        op.bulk_insert(settings, rows)
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE municipalities DROP COLUMN settings")
    else:
        op.drop_column("municipalities", "settings")


def downgrade() -> None:
    bind = op.get_bind()
    op.add_column("municipalities", sa.Column("settings", JSON_TYPE, nullable=True))
    update = sa.text("UPDATE municipalities SET settings = :settings WHERE id = :id")
    names = ", ".join(["processes", *DEFAULTS])
    for row in bind.execute(sa.text(f"SELECT municipality_id, {names} FROM {TABLE}")).mappings():  # noqa: S608
        values = dict(row)
        municipality_id = values.pop("municipality_id")
        values["processes"] = _mapping(values["processes"]) if isinstance(values["processes"], str) \
            else values["processes"]
        bind.execute(update, {"settings": json.dumps(values), "id": municipality_id})
    op.drop_table(TABLE)


def _mapping(raw: Any) -> Any:
    if raw is None or raw == "":
        return {}
    return json.loads(raw) if isinstance(raw, str) else raw
