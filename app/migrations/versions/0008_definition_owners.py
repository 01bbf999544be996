"""definitions owned by a municipality

Revision ID: 0008
Revises: 0007

Every version of a process carries the municipality that owns the process. Existing definitions get
their owner from the municipality whose configuration offers the process (exactly one), else from the
municipality of whoever deployed its first version; otherwise they stay without an owner
(administrators only). The same rule as app/engine/ownership.py for a process deployed the first time.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMN = "owner_municipality_id"
INDEX = "ix_definition_versions_owner_municipality_id"


def _settings(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite adds a column with REFERENCES in place; a batch copy would drop a table others refer to
        op.execute(f"ALTER TABLE definition_versions ADD COLUMN {COLUMN} INTEGER REFERENCES municipalities (id)")
    else:
        op.add_column("definition_versions", sa.Column(COLUMN, sa.Integer(), nullable=True))
        op.create_foreign_key("fk_definition_versions_owner_municipality", "definition_versions",
                              "municipalities", [COLUMN], ["id"])
    op.create_index(INDEX, "definition_versions", [COLUMN])
    _set_owners(bind)


def _set_owners(bind: sa.engine.Connection) -> None:
    offered: dict[str, set[int]] = {}
    for municipality_id, raw in bind.execute(sa.text("SELECT id, settings FROM municipalities")):
        for process_id in _settings(raw).get("processes") or []:
            offered.setdefault(str(process_id), set()).add(int(municipality_id))
    first_deployer: dict[str, int | None] = {}
    rows = bind.execute(sa.text(
        "SELECT d.process_id, u.municipality_id FROM definition_versions d "
        "LEFT JOIN users u ON u.id = d.deployed_by_id ORDER BY d.process_id, d.version"))
    for process_id, municipality_id in rows:
        first_deployer.setdefault(process_id, municipality_id)
    update = sa.text("UPDATE definition_versions SET owner_municipality_id = :owner WHERE process_id = :process_id")
    for process_id, deployer_municipality in first_deployer.items():
        offering = offered.get(process_id, set())
        owner = next(iter(offering)) if len(offering) == 1 else deployer_municipality
        if owner is not None:
            bind.execute(update, {"owner": owner, "process_id": process_id})


def downgrade() -> None:
    op.drop_index(INDEX, table_name="definition_versions")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE definition_versions DROP COLUMN {COLUMN}")
    else:
        op.drop_constraint("fk_definition_versions_owner_municipality", "definition_versions", type_="foreignkey")
        op.drop_column("definition_versions", COLUMN)
