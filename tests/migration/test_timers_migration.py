"""A Stenungsund agreement waiting on its timers moves to a version changed ahead: its timers keep their due
times and fire as they would have on the old version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.engine import migration
from app.engine.definitions import bundle_from_directory
from app.models import Case, DefinitionVersion, OpenTask
from app.services import Services
from tests.stenungsund import steps

ROOT = Path(__file__).resolve().parents[2]


def _v2(services: Services) -> DefinitionVersion:
    files = bundle_from_directory(ROOT / "processes" / "stenungsund_agreement.bpmn")
    old = '<spiffworkflow:property name="dueIn" value="P30D" />'
    text = files["stenungsund_agreement.bpmn"]
    at = text.index('<bpmn:userTask id="renewal_decision"')
    files["stenungsund_agreement.bpmn"] = text[:at] + text[at:].replace(old, old.replace("P30D", "P45D"), 1)
    with services.unit_of_work() as s:
        row, created = services.engine.deploy(s, files)
        assert created
        return row


def _state(services: Services, case_id: int) -> tuple[Any, list[str]]:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        names = sorted(s.scalars(select(OpenTask.name).where(OpenTask.case_id == case_id)))
        return case.next_timer_at, names


def test_waiting_timers_survive_the_move(services: Services, people: Any) -> None:
    moved = steps.to_decision(services)
    twin = steps.to_decision(services)
    v2 = _v2(services)
    before = _state(services, moved)
    assert before[0] is not None
    with services.unit_of_work() as s:
        case = s.get(Case, moved)
        assert case is not None
        record, report = migration.migrate_case(s, services.engine, case, s.get_one(DefinitionVersion, v2.id),
                                                None, "test")
        assert ("renewal_decision", "changed") in {(c.element_id, c.change) for c in report.changes}
    assert _state(services, moved) == before
    for day in ("2025-12-31", "2026-01-01"):
        steps.advance(services, day)
        assert _state(services, moved) == _state(services, twin)
    assert "pay" in _state(services, moved)[1]
    steps.complete(services, moved, "pay", steps.PAYMENT)
    steps.complete(services, twin, "pay", steps.PAYMENT)
    for day in ("2026-11-01", "2026-12-01"):
        steps.advance(services, day)
        assert _state(services, moved) == _state(services, twin)
    with services.unit_of_work() as s:
        case = s.get(Case, moved)
        assert case is not None and case.definition_id == v2.id
