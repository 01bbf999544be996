"""The Falun diagram through the engine, with a save/restore round trip at every step."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.core.errors import Conflict, InvalidData
from app.domain.accounts import municipality_by_slug, organisation_by_number
from app.engine.serialization import workflow_to_json
from app.models import Case, CaseEvent, OpenTask
from app.services import Services
from tests import falun_steps as steps
from tests.conftest import ORG_A


def _start(services: Services) -> int:
    with services.unit_of_work() as s:
        case = services.engine.start_case(
            s, municipality=municipality_by_slug(s, "falun"), organisation=organisation_by_number(s, ORG_A),
            process_id="falun_initiative", actor=None)
        return case.id


def _open(services: Services, case_id: int) -> list[OpenTask]:
    with services.unit_of_work() as s:
        return list(s.scalars(select(OpenTask).where(OpenTask.case_id == case_id)))


def _complete(services: Services, case_id: int, name: str, data: dict[str, Any]) -> Case:
    [task] = _open(services, case_id)
    assert task.name == name
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        services.engine.complete_task(s, case, task.id, None, data)
        # round trip: what was saved restores to the same document
        workflow, _ = services.engine.load(s, case)
        assert workflow_to_json(workflow) == case.workflow_json
        return case


def _run(services: Services, path: list[tuple[str, dict[str, Any]]]) -> Case:
    case_id = _start(services)
    case = None
    for name, data in path:
        case = _complete(services, case_id, name, data)
    assert case is not None
    return case


def test_happy_path_reaches_legally_approved_agreement(services: Services, people: Any) -> None:
    case = _run(services, [(n, d) for n, _, d in steps.HAPPY_PATH])
    assert case.status == "completed"
    assert case.outcome == "approved"
    assert case.registration_number == "KS 2026/0001"
    assert _open(services, case.id) == []
    with services.unit_of_work() as s:
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                           .order_by(CaseEvent.id))]
    assert kinds.count("task_completed") == 7
    assert kinds[0] == "case_started" and kinds[-1] == "case_completed"


def test_wrong_contract_form_ends_case_with_feedback(services: Services, people: Any) -> None:
    case = _run(services, [("checklist", steps.CHECKLIST), ("initiative", steps.INITIATIVE),
                           ("legal_assessment", steps.LEGAL_WRONG)])
    assert (case.status, case.outcome) == ("completed", "wrong_contract_form")
    assert case.feedback[-1]["text"] == steps.LEGAL_WRONG["motivation"]


def test_department_says_no(services: Services, people: Any) -> None:
    case = _run(services, [("checklist", steps.CHECKLIST), ("initiative", steps.INITIATIVE),
                           ("legal_assessment", steps.LEGAL_OK), ("department_decision", steps.DEPT_NO)])
    assert (case.status, case.outcome) == ("completed", "declined_by_department")
    assert any(f["text"] == steps.DEPT_NO["feedback_to_organisation"] for f in case.feedback)


def test_draft_goes_back_and_forth_and_final_review_sends_back(services: Services, people: Any) -> None:
    case = _run(services, [
        ("checklist", steps.CHECKLIST), ("initiative", steps.INITIATIVE), ("legal_assessment", steps.LEGAL_OK),
        ("department_decision", steps.DEPT_YES), ("draft_agreement", steps.DRAFT),
        ("review_draft", steps.REVIEW_CHANGES), ("draft_agreement", steps.DRAFT),
        ("review_draft", steps.REVIEW_OK), ("final_review", steps.FINAL_FIX),
        ("correct_agreement", steps.CORRECTION), ("final_review", steps.FINAL_OK)])
    assert (case.status, case.outcome) == ("completed", "approved")


@pytest.mark.parametrize("done", [0, 2, 5])
def test_withdrawal_before_final_review(services: Services, people: Any, done: int) -> None:
    case_id = _start(services)
    for name, _, data in steps.HAPPY_PATH[:done]:
        _complete(services, case_id, name, data)
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        services.engine.deliver_message(s, case, "withdraw", None, {"withdraw_reason": "Styrelsen beslutade så."})
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert (case.status, case.outcome) == ("completed", "withdrawn")
        assert case.feedback[-1]["text"] == "Styrelsen beslutade så."
    assert _open(services, case_id) == []


def test_no_withdrawal_during_final_review(services: Services, people: Any) -> None:
    case_id = _start(services)
    for name, _, data in steps.HAPPY_PATH[:6]:
        _complete(services, case_id, name, data)
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert not services.engine.can_receive(s, case, "withdraw")
        with pytest.raises(Conflict):
            services.engine.deliver_message(s, case, "withdraw", None, {"withdraw_reason": "x"})


def test_invalid_data_names_fields_and_changes_nothing(services: Services, people: Any) -> None:
    case_id = _start(services)
    [task] = _open(services, case_id)
    bad = dict(steps.CHECKLIST, no_market=False)
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        before = case.workflow_json
        with pytest.raises(InvalidData) as err:
            services.engine.complete_task(s, case, task.id, None, bad)
        assert set(err.value.fields) == {"no_market_comment"}
        assert case.workflow_json == before


def test_completing_twice_conflicts(services: Services, people: Any) -> None:
    case_id = _start(services)
    [task] = _open(services, case_id)
    _complete(services, case_id, "checklist", steps.CHECKLIST)
    with services.unit_of_work() as s, pytest.raises(Conflict):
        case = s.get(Case, case_id)
        assert case is not None
        services.engine.complete_task(s, case, task.id, None, steps.CHECKLIST)


def test_nested_edits_do_not_leak_into_recorded_data(services: Services, people: Any) -> None:
    """3.2.0 copies task data shallowly; the engine deep-copies what it stores."""
    data = dict(steps.INITIATIVE, attachments=[])
    case = _run(services, [("checklist", steps.CHECKLIST), ("initiative", data)])
    data["attachments"].append({"id": 99})
    with services.unit_of_work() as s:
        loaded = s.get(Case, case.id)
        assert loaded is not None
        assert '"id":99' not in loaded.workflow_json
