"""Public diagrams from eleven modelling tools (miwg/README.md): refused with specific messages, never a crash.

None of them is executable here (no executable process, lanes named 'Lane 1', no forms), so every one
must be refused, through the validator, `iop validate` and the API alike, naming file, line and element.
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

MIWG = Path(__file__).parent / "miwg"
LANES = {"lane_without_role", "no_executable_process"}

EXPECTED_CODES: dict[str, set[str]] = {
    "ARIS_10.2025.07__A.4.0-export.bpmn": LANES,
    "Bizagi_Modeler_2.8.0.8__A.4.0-roundtrip.bpmn": LANES,
    "Bonita_BPM_7.2.3__A.4.0-export.bpmn": {"bpmn_schema", "camunda_condition", "no_executable_process"},
    "Camunda_Eclipse_Plugin_3.0.0__A.4.0-export.bpmn": {"no_executable_process"},
    "Open_BPMN_1.2.8_2__A.4.0-roundtrip.bpmn": LANES,
    "Reference__A.4.0.bpmn": LANES,
    "Reference__C.1.0.bpmn": {"form_missing", "lane_without_role"},
    "SAP_Signavio_Process_Manager_19.9.0__A.4.0-export.bpmn": LANES,
    "Trisotech_Workflow_Modeler_12.6.3__A.4.0-export.bpmn": LANES,
    "Visual_Paradigm_11.1__A.4.0-roundtrip.bpmn": LANES,
    "Yaoqiang_BPMN_Editor_4.0__A.4.0-export.bpmn": {"lane_without_role"},
    "bpmn.io_Camunda_Modeler_18.6.1__A.4.0-export.bpmn": {"lane_without_role"},
}


def _files(name: str) -> dict[str, str]:
    return {name: (MIWG / name).read_text(encoding="utf-8")}


def test_every_public_diagram_is_listed() -> None:
    assert sorted(p.name for p in MIWG.glob("*.bpmn")) == sorted(EXPECTED_CODES)


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_each_is_refused_with_specific_messages(name: str) -> None:
    problems = validate_bundle(_files(name), operations=registry())
    assert {p.code for p in problems} == EXPECTED_CODES[name]
    for problem in problems:
        assert problem.file == name and problem.message and "Traceback" not in problem.message
        if problem.code != "no_executable_process":
            assert problem.line and problem.element_id, str(problem)  # placed on an element of the file
    lanes = [p for p in problems if p.code == "lane_without_role"]
    assert all("maps to no role" in p.message and "name the lane after a role" in p.message for p in lanes)


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_the_command_line_prints_the_same_and_fails(name: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["validate", str(MIWG / name)])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    expected = [str(p) for p in validate_bundle(_files(name), operations=registry())]
    assert result.output.splitlines() == expected  # one line each


def test_the_api_refuses_each_with_422_and_the_same_details(api: Any) -> None:
    owner = api("owner")
    for name in sorted(EXPECTED_CODES):
        content = (MIWG / name).read_bytes()
        checked = owner.client.post("/api/v1/validate", headers=owner.headers, content_type="multipart/form-data",
                                    data={"files": [(io.BytesIO(content), name)]})
        assert checked.status_code == 200, name
        body = checked.get_json()
        assert {d["code"] for d in body["details"]} == EXPECTED_CODES[name]
        deployed = owner.client.post("/api/v1/definitions", headers=owner.headers,
                                     content_type="multipart/form-data",
                                     data={"files": [(io.BytesIO(content), name)]})
        assert deployed.status_code == 422, name
        assert deployed.get_json()["error"]["details"] == body["details"]
