"""Diagrams that no one here drew (see foreign/README.md): deployed, or refused with specific messages.

Every one goes through `iop validate`, `POST /api/v1/validate` and `POST /api/v1/definitions`; the
answers agree, name file, line and element, and are never a traceback or a 500.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from app.cli import main
from app.engine.validate import validate_bundle
from handlers import registry

FOREIGN = Path(__file__).parent / "foreign"

# file -> (code, line, element id) of every problem, in order; [] means it deploys. The expressions and
# service operations are checked once the drawing itself is sound, so a diagram refused for its lanes
# or forms may show more problems after those are fixed.
EXPECTED: dict[str, list[tuple[str, int | None, str | None]]] = {
    "bizagi_many_lanes.bpmn": [
        ("lane_without_role", 16, "Lane_req"),
        ("lane_without_role", 20, "Lane_reception"),
        ("lane_without_role", 23, "Lane_analyst"),
        ("lane_without_role", 29, "Lane_boss"),
        ("lane_without_role", 35, "Lane_archive"),
    ],
    "bpmnio_lanes_deploys.bpmn": [],
    "bpmnio_plain_permit.bpmn": [
        ("no_executable_process", None, None),
        ("gateway_no_conditions", 11, "Gateway_complete"),
    ],
    "camunda7_vacation.bpmn": [
        ("camunda_role", 7, "Task_approve"),
        ("camunda_listener", 13, "Task_approve"),
    ],
    "flowable_leave.bpmn": [
        ("form_missing", 6, "approveTask"),
        ("task_without_lane", 6, "approveTask"),
    ],
    "signavio_complaint.bpmn": [
        ("form_missing", 24, "sid-REGISTER"),
        ("form_missing", 32, "sid-ANSWER"),
    ],
    "zeebe_c8_claim.bpmn": [
        ("form_missing", 10, "Task_check"),
        ("task_without_lane", 10, "Task_check"),
        ("call_no_process", 23, "Call_approval"),
    ],
}
# A few messages in full: what a process owner reads.
MESSAGES = {
    "bpmnio_plain_permit.bpmn": [
        'bpmnio_plain_permit.bpmn: no executable process (isExecutable="true") in the bundle',
        "bpmnio_plain_permit.bpmn:11 [Gateway_complete 'Complete?']: the gateway has 2 outgoing flows but neither "
        "conditions nor a default flow, so the engine cannot choose a way: give the flows conditions and mark one "
        "as the default",
    ],
    "signavio_complaint.bpmn": [
        "signavio_complaint.bpmn:24 [sid-REGISTER 'Registrera klagomålet']: the user task has no form: give it the "
        "property formJsonSchemaFilename naming a JSON Schema file of the bundle",
        "signavio_complaint.bpmn:32 [sid-ANSWER 'Besvara klagomålet']: the user task has no form: give it the "
        "property formJsonSchemaFilename naming a JSON Schema file of the bundle",
    ],
}


def _files(name: str) -> dict[str, str]:
    return {name: (FOREIGN / name).read_text(encoding="utf-8")}


def test_every_foreign_diagram_is_listed() -> None:
    assert sorted(p.name for p in FOREIGN.glob("*.bpmn")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validation_deploys_or_refuses_with_specific_messages(name: str) -> None:
    problems = validate_bundle(_files(name), operations=registry())
    assert [(p.code, p.line, p.element_id) for p in problems] == EXPECTED[name]
    for problem in problems:
        assert problem.file == name and problem.message and "Traceback" not in problem.message
        assert "\n" not in str(problem)
    if name in MESSAGES:
        assert [str(p) for p in problems] == MESSAGES[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_command_line_says_the_same(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["validate", str(FOREIGN / name)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    expected = [str(p) for p in validate_bundle(_files(name), operations=registry())]
    if expected:
        assert result.exit_code == 1
        assert result.output.splitlines() == expected
    else:
        assert result.exit_code == 0 and result.output == "no problems found\n"


def test_the_api_validates_and_deploys_or_refuses_each(api: Any) -> None:
    owner = api("owner")
    for name in sorted(EXPECTED):
        content = (FOREIGN / name).read_bytes()
        expected = validate_bundle(_files(name), operations=registry())
        checked = owner.client.post("/api/v1/validate", headers=owner.headers, content_type="multipart/form-data",
                                    data={"files": [(io.BytesIO(content), name)]})
        assert checked.status_code == 200, name
        body = checked.get_json()
        assert body["problems"] == [str(p) for p in expected]
        assert [(d["code"], d["line"], d["element_id"]) for d in body["details"]] == EXPECTED[name]
        deployed = owner.client.post("/api/v1/definitions", headers=owner.headers,
                                     content_type="multipart/form-data",
                                     data={"files": [(io.BytesIO(content), name)]})
        if EXPECTED[name]:
            assert deployed.status_code == 422, name
            error = deployed.get_json()["error"]
            assert error["fields"]["problems"] == body["problems"]
            assert error["details"] == body["details"]
        else:
            assert deployed.status_code == 201, name
