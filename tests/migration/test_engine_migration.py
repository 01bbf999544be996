"""Migration in the engine: eligibility, the move, continuing on the new version, revert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.core.errors import Conflict
from app.engine import migration
from app.engine.serialization import workflow_from_json
from app.models import Case, CaseEvent, CaseMigration, DefinitionVersion
from app.services import Services
from tests.migration.conftest import DATA, complete, open_tasks, run_to_end, start_case


def _report(services: Services, case_id: int, target: DefinitionVersion) -> migration.MigrationReport:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        source_row = s.get(DefinitionVersion, case.definition_id)
        assert source_row is not None
        source = services.engine.definition(s, source_row.id)
        workflow = workflow_from_json(case.workflow_json, source.spec, source.subprocess_specs)
        return migration.dry_run(case, workflow, source, source_row, services.engine.definition(s, target.id),
                                 target)


def _migrate(services: Services, case_id: int, target: DefinitionVersion) -> int:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        record, _ = migration.migrate_case(s, services.engine, case, s.get(DefinitionVersion, target.id), None,
                                           "test")
        return record.id


def test_case_before_the_change_moves_and_runs_through_the_new_task(
        services: Services, people: Any, deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "checklist")
    v2 = deploy_v2()
    report = _report(services, case_id, v2)
    assert report.eligible, report.blockers
    changed = {(c.element_id, c.change) for c in report.changes}
    assert ("second_legal_opinion", "added") in changed
    assert ("initiative", "form_changed") in changed
    assert ("final_review", "changed") in changed
    [before] = open_tasks(services, case_id)
    migration_id = _migrate(services, case_id, v2)
    [after] = open_tasks(services, case_id)
    assert (after.id, after.name) == (before.id, "checklist")  # the open task stays, with its id
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.definition_id == v2.id
        record = s.get(CaseMigration, migration_id)
        assert record is not None and (record.from_version, record.to_version, record.status) == (1, 2, "applied")
    done = run_to_end(services, case_id)
    assert done == ["checklist", "initiative", "legal_assessment", "second_legal_opinion", "department_decision",
                    "draft_agreement", "review_draft", "final_review"]
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None and (case.status, case.outcome) == ("completed", "approved")
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                           .order_by(CaseEvent.id))]
    assert kinds.count("migrated") == 1


def test_case_at_the_step_before_the_new_task_moves(
        services: Services, people: Any, deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "legal_assessment")
    v2 = deploy_v2()
    assert _report(services, case_id, v2).eligible
    _migrate(services, case_id, v2)
    complete(services, case_id, "legal_assessment")
    assert [t.name for t in open_tasks(services, case_id)] == ["second_legal_opinion"]


def test_case_past_the_change_is_not_eligible(
        services: Services, people: Any, deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "department_decision")
    v2 = deploy_v2()
    report = _report(services, case_id, v2)
    assert not report.eligible
    assert {(b.reason, b.element_id) for b in report.blockers} >= {("passed_changed", "legal_assessment")}
    try:
        _migrate(services, case_id, v2)
        raise AssertionError("migrated an ineligible case")
    except Conflict as exc:
        assert "legal_assessment" in str(exc)


def test_case_at_a_task_whose_form_changed_is_not_eligible(
        services: Services, people: Any, deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "initiative")
    report = _report(services, case_id, deploy_v2())
    assert [(b.reason, b.element_id) for b in report.blockers] == [("form_changed", "initiative")]


def test_revert_restores_the_old_version_and_the_case_continues_there(
        services: Services, people: Any, deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "legal_assessment")
    v2 = deploy_v2()
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        v1_id, document = case.definition_id, case.workflow_json
    migration_id = _migrate(services, case_id, v2)
    with services.unit_of_work() as s:
        record = s.get(CaseMigration, migration_id)
        assert record is not None
        migration.revert_migration(s, services.engine, record, None, "test")
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert (case.definition_id, case.workflow_json) == (v1_id, document)
        events = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))]
        assert events[-2:] == ["migrated", "migration_reverted"]
    complete(services, case_id, "legal_assessment", DATA["legal_assessment"])
    assert [t.name for t in open_tasks(services, case_id)] == ["department_decision"]  # v1: no second opinion


def test_revert_is_refused_once_the_case_moved_on(
        services: Services, people: Any, deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "checklist")
    migration_id = _migrate(services, case_id, deploy_v2())
    complete(services, case_id, "checklist")
    with services.unit_of_work() as s:
        record = s.get(CaseMigration, migration_id)
        assert record is not None
        try:
            migration.revert_migration(s, services.engine, record, None, "test")
            raise AssertionError("reverted a case that moved on")
        except Conflict as exc:
            assert "moved on" in str(exc)


def test_case_after_the_subprocess_is_not_eligible(
        services: Services, people: Any, deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "final_review")
    report = _report(services, case_id, deploy_v2())
    assert ("passed_changed", "legal_assessment") in {(b.reason, b.element_id) for b in report.blockers}


def test_ended_case_and_same_version(services: Services, people: Any) -> None:
    case_id = start_case(services, "checklist")
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        current = s.get(DefinitionVersion, case.definition_id)
    assert current is not None
    assert [b.reason for b in _report(services, case_id, current).blockers] == ["same_version"]
    run_to_end(services, case_id)
    assert [b.reason for b in _report(services, case_id, current).blockers] == ["not_running"]
