"""A failing service handler surfaces with its own error, not SpiffWorkflow 3.2.0's NameError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from app.core.clock import ManualClock
from app.core.errors import ScriptFailure
from app.engine.definitions import bundle_from_directory, parse_bundle
from app.engine.runtime import CaseEngine

FIXTURE = Path(__file__).parent / "fixtures" / "service_call.bpmn"


def _run(handler: Any) -> BpmnWorkflow:
    engine = CaseEngine(ManualClock(), handlers={"explode": handler})
    definition = parse_bundle(bundle_from_directory(FIXTURE), operations={"explode"})
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=engine.script_engine)
    engine._run(workflow, None)  # type: ignore[arg-type]
    return workflow


def test_handler_error_is_kept() -> None:
    def explode(step: Any) -> str:
        raise ValueError("the finance system is down")

    with pytest.raises(ScriptFailure) as err:
        _run(explode)
    assert "the operation 'explode' failed: ValueError: the finance system is down" in str(err.value)
    assert "name 'script' is not defined" not in str(err.value)


def test_handler_result_is_stored() -> None:
    workflow = _run(lambda step: '"ok"')
    assert workflow.is_completed()
    assert workflow.data.get("result") == "ok"
