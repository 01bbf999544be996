"""Kungsbacka kommun offers its IOP process (kungsbacka_agreement)

Revision ID: 0039_kungsbacka_process
Revises: 0038_gavle_process

config/municipalities/kungsbacka.json listed no process, and a database keeps the settings it has stored (an
administrator's changes outlive a restart), so a database prepared before Kungsbacka's process existed would
go on answering "Kungsbacka kommun offers no process yet". Where Kungsbacka's stored list is empty, it now
names kungsbacka_agreement; a list an administrator filled in is left as it is. Data only, no schema change.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0039_kungsbacka_process"
down_revision = "0038_gavle_process"
branch_labels = None
depends_on = None

PROCESS = "kungsbacka_agreement"
JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")

_municipalities = sa.table("municipalities", sa.column("id", sa.Integer()), sa.column("slug", sa.String()))
_settings = sa.table("municipality_settings", sa.column("municipality_id", sa.Integer()),
                     sa.column("processes", JSON_TYPE))


def _kungsbacka_settings(bind: sa.Connection) -> tuple[int, list[str]] | None:
    row = bind.execute(sa.select(_settings.c.municipality_id, _settings.c.processes)
                       .join(_municipalities, _municipalities.c.id == _settings.c.municipality_id)
                       .where(_municipalities.c.slug == "kungsbacka")).first()
    return (row[0], list(row[1] or [])) if row is not None else None


def upgrade() -> None:
    bind = op.get_bind()
    found = _kungsbacka_settings(bind)
    if found is not None and not found[1]:
        bind.execute(_settings.update().where(_settings.c.municipality_id == found[0]).values(processes=[PROCESS]))


def downgrade() -> None:
    bind = op.get_bind()
    found = _kungsbacka_settings(bind)
    if found is not None and found[1] == [PROCESS]:
        bind.execute(_settings.update().where(_settings.c.municipality_id == found[0]).values(processes=[]))
