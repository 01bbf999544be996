"""version 1 agreements: their state moves out of the workflow into agreements.state

Revision ID: 0023_version1_agreements
Revises: 0022_municipality_settings

Agreements planned under version 1 of the Stenungsund diagram (before the agreement store, migration 0005)
carried their whole state inside the workflow as the task data variable `iop`, possibly in several copies
after a fork (a reminder or hold branch worked on its own copy). The handlers, the projection and the pages
kept a second path for them. Here each such case is converted as the projection used to read it: from every
copy, each payment and follow-up keeps its most advanced status (statuses only move forward), the notices
are joined, a terminal status wins and the claim with the most settled counts. That state is written to
agreements.state and every copy in the workflow becomes what the store's handlers return (its "view": the
values the diagram reads), so the version 1 diagram goes on through the store like every later one.

Data only: no schema change. The downgrade leaves the converted rows as they are (the older code reads
them through the store as well).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0023_version1_agreements"
down_revision = "0022_municipality_settings"
branch_labels = None
depends_on = None

MENTIONS_IOP = '%"iop"%'  # a case with an agreement; whether it carries a whole state is read from the JSON
# as app/domain/agreements/store.py VIEW_KEYS and state.py's ranks when this migration was written
VIEW_KEYS = ("version", "status", "next", "period", "current_payment", "current_follow_up", "repayment")
PAYMENT_RANK = {"planned": 0, "held": 1, "released": 2, "paid": 3, "cancelled": 4}
FOLLOW_UP_RANK = {"planned": 0, "open": 1, "submitted": 2, "returned": 1, "approved": 4, "cancelled": 5}
JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    bind = op.get_bind()
    cases = bind.execute(sa.text("SELECT id, workflow_json FROM cases WHERE workflow_json LIKE :mentions"),
                         {"mentions": MENTIONS_IOP}).all()
    for case_id, document_text in cases:
        document = json.loads(document_text)
        copies = list(_copies(document))
        if not copies:
            continue
        row = bind.execute(sa.text("SELECT id, notices FROM agreements WHERE case_id = :case_id"),
                           {"case_id": case_id}).first()
        if row is None:  # the projection writes the row whenever such a case is saved: not seen in practice
            raise RuntimeError(f"case {case_id} carries a version 1 agreement but has no agreements row; "
                               "open the case once with the previous release (its projection writes the row)")
        state = merged(copies, _loaded(row[1]) or [])
        _replace_copies(document, state)
        bind.execute(sa.text("UPDATE cases SET workflow_json = :doc WHERE id = :id"),
                     {"doc": json.dumps(document, separators=(",", ":")), "id": case_id})
        bind.execute(sa.text("UPDATE agreements SET state = :state, notices = :notices WHERE id = :id")
                     .bindparams(sa.bindparam("state", type_=JSON_TYPE), sa.bindparam("notices", type_=JSON_TYPE)),
                     {"state": state, "notices": state.get("notices") or [], "id": row[0]})


def downgrade() -> None:
    """Nothing to undo: the converted rows are what the store-based code of 0022 reads as well."""


def merged(copies: list[dict[str, Any]], stored_notices: list[dict[str, Any]]) -> dict[str, Any]:
    """One state from the workflow's copies, as the projection combined them into the agreement rows."""
    base = max(copies, key=lambda c: (c["version"], len(c.get("notices") or []), c.get("status") != "running"))
    state = copy.deepcopy(base)
    state["payments"] = _best(copies, "payments", lambda r: PAYMENT_RANK.get(r["status"], 0))
    state["follow_ups"] = _best(copies, "follow_ups",
                                lambda r: (r.get("round", 0), FOLLOW_UP_RANK.get(r["status"], 0)))
    terminal = [c["status"] for c in copies if c.get("status") != "running"]
    state["status"] = terminal[0] if terminal else "running"
    claims = [c["repayment"] for c in copies if c.get("repayment")]
    state["repayment"] = copy.deepcopy(max(claims, key=lambda c: c["settled_sek"])) if claims else None
    notices = {n["id"]: n for c in copies for n in c.get("notices") or []}
    for n in stored_notices:
        notices.setdefault(n["id"], n)
    if notices:
        state["notices"] = sorted(notices.values(), key=lambda n: (n["on"], n["id"]))
    for key, records in (("current_payment", state["payments"]), ("current_follow_up", state["follow_ups"])):
        current = state.get(key)
        if current:
            state[key] = next((r for r in records if r["id"] == current["id"]), current)
    return state


def _best(copies: list[dict[str, Any]], key: str, rank: Any) -> list[dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    for record in (r for c in copies for r in c.get(key) or []):
        current = best.get(record["id"])
        if current is None or rank(record) > rank(current):
            best[record["id"]] = record
    return [copy.deepcopy(r) for r in best.values()]


def _copy_slots(document: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """(container, key) of every whole state (an `iop` with payments) inside the workflow document; a copy's
    own contents are not searched."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "iop" and isinstance(value, dict) and "payments" in value:
                    yield item, key
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _copies(document: Any) -> Iterator[dict[str, Any]]:
    """Every whole state inside the workflow document."""
    return (container[key] for container, key in _copy_slots(document))


def _replace_copies(document: Any, state: dict[str, Any]) -> None:
    """Each copy becomes the view of the merged state, what the store's handlers give the workflow."""
    for container, key in _copy_slots(document):
        container[key] = {name: copy.deepcopy(state.get(name)) for name in VIEW_KEYS}


def _loaded(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str) else raw
