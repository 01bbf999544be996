"""Migration 0023: an agreement whose whole state travelled in the workflow (version 1 of the diagram, planned
before the agreement store) is moved to agreements.state, and the case goes on through the store."""

from __future__ import annotations

import copy
import importlib.util
import json
from types import ModuleType
from typing import Any

from sqlalchemy import select, text

from app.migrate import MIGRATIONS_DIR
from app.models import Case
from app.models.agreement import Agreement
from app.services import Services
from tests.scratch_database import alembic
from tests.stenungsund import steps

BEFORE = "0022_municipality_settings"
CONVERSION = "0023_version1_agreements"


def _migration() -> ModuleType:
    path = MIGRATIONS_DIR / "versions" / "0023_version1_agreements.py"
    spec = importlib.util.spec_from_file_location("migration_0023", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _each_iop(document: Any, replace: Any) -> int:
    count, stack = 0, [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "iop" and isinstance(value, dict):
                    item[key] = replace(value)
                    count += 1
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _make_version_1(services: Services, case_id: int) -> dict[str, Any]:
    """The row as version 1 left it: the whole state in every `iop` of the workflow, none in agreements.state.
    Written with SQL, as a database at 0022 holds it (the projection does not run)."""
    with services.db.begin() as conn:
        raw = conn.scalar(text("SELECT state FROM agreements WHERE case_id = :id"), {"id": case_id})
        state = json.loads(raw) if isinstance(raw, str) else raw  # JSON text on SQLite, JSONB on PostgreSQL
        document = json.loads(conn.scalar(text("SELECT workflow_json FROM cases WHERE id = :id"), {"id": case_id}))
        assert _each_iop(document, lambda _view: copy.deepcopy(state)) >= 1
        conn.execute(text("UPDATE cases SET workflow_json = :doc WHERE id = :id"),
                     {"doc": json.dumps(document, separators=(",", ":")), "id": case_id})
        conn.execute(text("UPDATE agreements SET state = NULL WHERE case_id = :id"), {"id": case_id})
    return dict(state)


def _upgrade_from_0022(services: Services) -> None:
    # 0023 changes no schema, so the database (built at head) is as 0022 left it for 0023's purpose; the later
    # revisions' schema is already there, so after the conversion the database is stamped at head again
    # (in every case: the database is shared with the worker's next tests)
    alembic(services.db, "stamp", BEFORE)
    try:
        alembic(services.db, "upgrade", CONVERSION)
    finally:
        alembic(services.db, "stamp", "head")


def test_a_version_1_agreement_is_converted_and_goes_on_through_the_store(services: Services, people: Any) -> None:
    case_id = steps.to_decision(services)
    full = _make_version_1(services, case_id)
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        whole: list[dict[str, Any]] = []
        _each_iop(json.loads(case.workflow_json), lambda value: whole.append(value) or value)
        assert whole and all("payments" in value for value in whole)
        assert s.scalar(select(Agreement.state).where(Agreement.case_id == case_id)) is None

    _upgrade_from_0022(services)

    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        views: list[dict[str, Any]] = []
        _each_iop(json.loads(case.workflow_json), lambda view: views.append(view) or view)
        assert views and all("payments" not in v and v["next"] == full["next"] for v in views)
        assert s.scalar(select(Agreement.state).where(Agreement.case_id == case_id)) == full
    # read and moved on by the current code: the first payment is released on its date and paid
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    row = steps.agreement(services, case_id)
    assert [p.status for p in row.payments][:2] == ["paid", "planned"]
    assert row.state is not None and row.state["payments"][0]["status"] == "paid"
    assert row.state["payments"][0]["reference"] == steps.PAYMENT["payment_reference"]


def test_copies_from_parallel_branches_keep_each_records_most_advanced_status() -> None:
    merged = _migration().merged
    base: dict[str, Any] = {
        "version": 1, "status": "running", "notices": [{"id": "a", "on": "2026-01-01"}],
        "payments": [{"id": "v1-p01", "status": "released"}, {"id": "v1-p02", "status": "planned"}],
        "follow_ups": [{"id": "v1-f1", "status": "open", "round": 0}], "repayment": None,
        "current_payment": {"id": "v1-p01", "status": "released"}}
    branch = copy.deepcopy(base)
    branch["payments"][0]["status"] = "paid"
    branch["follow_ups"][0].update(status="submitted", round=1)
    branch["notices"].append({"id": "b", "on": "2026-02-01"})
    state = merged([base, branch], [{"id": "c", "on": "2025-12-01"}])
    assert [p["status"] for p in state["payments"]] == ["paid", "planned"]
    assert state["follow_ups"][0]["status"] == "submitted" and state["current_payment"]["status"] == "paid"
    assert [n["id"] for n in state["notices"]] == ["c", "a", "b"]
