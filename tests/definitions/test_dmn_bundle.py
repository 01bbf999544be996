"""A bundle with a DMN decision table (dmn/): deployed through the API, run, saved and restored.

The officer enters an amount and a number of years; the business rule task evaluates
`payment_interval` (hit policy UNIQUE) and the gateway sends a yearly payment to one task and
everything else to an instalment plan. A broken .dmn file and a call to a decision the bundle does
not define are refused with messages that name the file, line and element.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.accounts import municipality_by_slug, organisation_by_number
from app.models import Case, CaseEvent, OpenTask, User
from app.services import Services, build_services
from tests.conftest import ORG_A

BUNDLE = Path(__file__).parent / "dmn"
BPMN = "grant_payment.bpmn"
DMN = "payment_interval.dmn"


def _files() -> dict[str, str]:
    paths = [BUNDLE / BPMN, BUNDLE / DMN, *sorted((BUNDLE / "forms").glob("*.json"))]
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def _upload(api: Any, files: dict[str, str]) -> Any:
    owner = api("owner")
    return owner.client.post("/api/v1/definitions", headers=owner.headers, content_type="multipart/form-data",
                             data={"files": [(io.BytesIO(text.encode("utf-8")), name)
                                             for name, text in files.items()]})


def _deploy(api: Any) -> None:
    resp = _upload(api, _files())
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["process_id"], body["version"], body["created"]) == ("grant_payment", 1, True)


def _start(svc: Services) -> int:
    """A case of the deployed process (the API starts only the processes a municipality offers)."""
    with svc.unit_of_work() as s:
        case = svc.engine.start_case(s, municipality=municipality_by_slug(s, "falun"),
                                     organisation=organisation_by_number(s, ORG_A), process_id="grant_payment",
                                     actor=None)
        return int(case.id)


def _open_task(api: Any, case_id: int) -> dict[str, Any]:
    resp = api("officer").get(f"/api/v1/tasks?case_id={case_id}")
    assert resp.status_code == 200
    [item] = resp.get_json()["items"]
    return dict(item)


def _complete(api: Any, task_id: str, data: dict[str, Any]) -> None:
    resp = api("officer").post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert resp.status_code == 200, resp.get_json()


def _decision(svc: Services, case_id: int) -> Any:
    """What the business rule task wrote into the case, read from the stored workflow."""
    with svc.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        workflow, _ = svc.engine.load(s, case)
        [task] = workflow.get_tasks(spec_name="decide_interval")
        return task.data.get("payment_interval")


def _open_rows(svc: Services, case_id: int) -> list[OpenTask]:
    with svc.unit_of_work() as s:
        return list(s.scalars(select(OpenTask).where(OpenTask.case_id == case_id)))


def _case(svc: Services, case_id: int) -> Case:
    with svc.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def _completed_steps(svc: Services, case_id: int) -> list[str | None]:
    with svc.unit_of_work() as s:
        return list(s.scalars(select(CaseEvent.task_name).where(CaseEvent.case_id == case_id,
                                                                 CaseEvent.kind == "task_completed")
                              .order_by(CaseEvent.id)))


@pytest.mark.parametrize(("amount", "interval", "next_task", "data", "outcome"), [
    (40000, "yearly", "register_yearly", {"first_payment_date": "2027-01-15"}, "paid_yearly"),
    (99999, "yearly", "register_yearly", {"first_payment_date": "2027-01-15"}, "paid_yearly"),
    (100000, "half_yearly", "plan_instalments", {"instalments": 6}, "paid_in_instalments"),
    (250000, "half_yearly", "plan_instalments", {"instalments": 6}, "paid_in_instalments"),
    (750000, "quarterly", "plan_instalments", {"instalments": 12}, "paid_in_instalments"),
])
def test_the_decision_table_chooses_the_route(services: Services, people: Any, api: Any, amount: int,
                                              interval: str, next_task: str, data: dict[str, Any],
                                              outcome: str) -> None:
    _deploy(api)
    case_id = _start(services)
    task = _open_task(api, case_id)
    assert (task["name"], task["role"]) == ("enter_amount", "officer")  # the lane "Handläggare"
    assert set(task["form"]["properties"]) == {"amount", "years"}
    _complete(api, task["id"], {"amount": amount, "years": 3})

    assert _decision(services, case_id) == interval
    task = _open_task(api, case_id)
    assert (task["name"], task["role"]) == (next_task, "officer")
    _complete(api, task["id"], data)

    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", outcome)
    assert _open_rows(services, case_id) == []
    assert _completed_steps(services, case_id) == ["enter_amount", next_task]


def test_a_form_value_the_table_cannot_take_is_refused_before_the_decision(services: Services, people: Any,
                                                                           api: Any) -> None:
    _deploy(api)
    case_id = _start(services)
    task = _open_task(api, case_id)
    resp = api("officer").post(f"/api/v1/tasks/{task['id']}/complete",
                               json={"data": {"amount": "mycket", "years": 3}})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"amount"}
    assert [t.name for t in _open_rows(services, case_id)] == ["enter_amount"]


@pytest.mark.parametrize(("amount", "interval", "next_task", "data", "outcome"), [
    (60000, "yearly", "register_yearly", {"first_payment_date": "2027-02-01"}, "paid_yearly"),
    (500000, "quarterly", "plan_instalments", {"instalments": 8}, "paid_in_instalments"),
])
def test_the_case_survives_save_and_restore(services: Services, people: Any, api: Any, amount: int,
                                            interval: str, next_task: str, data: dict[str, Any],
                                            outcome: str) -> None:
    _deploy(api)
    case_id = _start(services)
    [entry] = _open_rows(services, case_id)
    officer_id = people["officer"].id

    # a second instance shares nothing in memory with the first: the spec (with its decision table)
    # and the workflow come from the database
    second = build_services(services.settings, services.clock)
    try:
        with second.unit_of_work() as s:
            case = s.get(Case, case_id)
            assert case is not None
            officer = s.get(User, officer_id)
            second.engine.complete_task(s, case, entry.id, officer, {"amount": amount, "years": 2})
        assert second.engine.cache.hits == 0
    finally:
        second.db.dispose()

    third = build_services(services.settings, services.clock)
    try:
        assert _decision(third, case_id) == interval
        [row] = _open_rows(third, case_id)
        assert (row.name, row.role) == (next_task, "officer")
        with third.unit_of_work() as s:
            case = s.get(Case, case_id)
            assert case is not None
            workflow, _ = third.engine.load(s, case)
            [ready] = [t for t in workflow.get_tasks(spec_name=next_task)]
            assert (ready.data["amount"], ready.data["years"], ready.data["payment_interval"]) == \
                (amount, 2, interval)
    finally:
        third.db.dispose()

    # and the first instance (its cached workflow is stale now) continues through the API
    task = _open_task(api, case_id)
    assert task["name"] == next_task
    _complete(api, task["id"], data)
    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", outcome)
    assert _completed_steps(services, case_id) == ["enter_amount", next_task]


def _refused(api: Any, files: dict[str, str]) -> list[dict[str, Any]]:
    resp = _upload(api, files)
    assert resp.status_code == 422, resp.get_json()
    body = resp.get_json()
    assert body["error"]["code"] == "invalid"
    listed = api("owner").get("/api/v1/definitions").get_json()["items"]
    assert "grant_payment" not in {d["process_id"] for d in listed}  # nothing was deployed
    return list(body["error"]["details"])


def test_a_dmn_file_that_is_not_well_formed_is_refused(services: Services, people: Any, api: Any) -> None:
    files = _files()
    lines = files[DMN].splitlines()
    broken_line = next(i for i, line in enumerate(lines, 1) if "</outputEntry>" in line)
    lines[broken_line - 1] = lines[broken_line - 1].replace("</outputEntry>", "</outputEntri>")
    files[DMN] = "\n".join(lines) + "\n"
    [detail] = _refused(api, files)
    assert (detail["file"], detail["line"], detail["code"]) == (DMN, broken_line, "xml_syntax")
    assert detail["message"].startswith("the file is not well-formed XML")
    assert "Traceback" not in detail["message"]


def test_a_call_to_an_unknown_decision_is_refused(services: Services, people: Any, api: Any) -> None:
    files = _files()
    files[BPMN] = files[BPMN].replace(">payment_interval</spiffworkflow:calledDecisionId>",
                                      ">payment_schedule</spiffworkflow:calledDecisionId>")
    line = next(i for i, text in enumerate(files[BPMN].splitlines(), 1) if '<bpmn:businessRuleTask' in text)
    [detail] = _refused(api, files)
    assert (detail["file"], detail["line"], detail["element_id"], detail["element_name"], detail["code"]) == \
        (BPMN, line, "decide_interval", "Bestäm utbetalningsintervall", "decision_unknown")
    assert detail["message"] == ("the business rule task calls the decision 'payment_schedule', which no .dmn "
                                 "file in the bundle defines (decisions in the bundle: payment_interval)")


def test_a_decision_without_its_dmn_file_is_refused(services: Services, people: Any, api: Any) -> None:
    files = _files()
    del files[DMN]
    [detail] = _refused(api, files)
    assert (detail["file"], detail["element_id"], detail["code"]) == (BPMN, "decide_interval", "decision_unknown")
    assert detail["message"] == ("the business rule task calls the decision 'payment_interval', but the bundle "
                                 "has no .dmn file")
