"""Gävle kommun offers its IOP process (gavle_agreement)

Revision ID: 0038_gavle_process
Revises: 0037_settings_changes

config/municipalities/gavle.json listed no process, and a database keeps the settings it has stored (an
administrator's changes outlive a restart), so a database prepared before Gävle's process existed would go
on answering "Gävle kommun offers no process yet". Where Gävle's stored list is empty, it now names
gavle_agreement; a list an administrator filled in is left as it is. Data only, no schema change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0038_gavle_process"
down_revision = "0037_settings_changes"
branch_labels = None
depends_on = None

PROCESS = "gavle_agreement"
JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")

_municipalities = sa.table("municipalities", sa.column("id", sa.Integer()), sa.column("slug", sa.String()))
_settings = sa.table("municipality_settings", sa.column("municipality_id", sa.Integer()),
                     sa.column("processes", JSON_TYPE))


def _gavle_settings(bind: sa.Connection) -> tuple[int, list[str]] | None:
    row = bind.execute(sa.select(_settings.c.municipality_id, _settings.c.processes)
                       .join(_municipalities, _municipalities.c.id == _settings.c.municipality_id)
                       .where(_municipalities.c.slug == "gavle")).first()
    return (row[0], list(row[1] or [])) if row is not None else None


def upgrade() -> None:
    bind = op.get_bind()
    found = _gavle_settings(bind)
    if found is not None and not found[1]:
        bind.execute(_settings.update().where(_settings.c.municipality_id == found[0]).values(processes=[PROCESS]))


def downgrade() -> None:
    bind = op.get_bind()
    found = _gavle_settings(bind)
    if found is not None and found[1] == [PROCESS]:
        bind.execute(_settings.update().where(_settings.c.municipality_id == found[0]).values(processes=[]))
