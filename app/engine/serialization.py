"""Workflow (de)serialization with the process spec stored once per definition version.

SpiffWorkflow's serializer writes the whole parsed spec into every workflow
document. We drop it on save and hand the cached spec objects back on load:
documents are smaller and loading skips rebuilding the spec.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.engine.compaction import PRUNED

SERIALIZER_VERSION = VERSION


class _SpecByReferenceConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        record = getattr(workflow, PRUNED, None)
        if record:
            dct[PRUNED] = sorted([process, spec] for process, spec in record)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs")
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        setattr(workflow, PRUNED, {(process, spec) for process, spec in dct.get(PRUNED, [])})
        return workflow


def _build_serializer() -> tuple[BpmnWorkflowSerializer, BpmnWorkflowSerializer]:
    full = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpecByReferenceConverter
    by_ref = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    return full, by_ref


_FULL, _BY_REF = _build_serializer()


def spec_to_json(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    """The parsed spec and its subprocess specs, as stored once per definition version."""
    return json.dumps({
        "spec": _FULL.to_dict(spec),
        "subprocess_specs": {name: _FULL.to_dict(sp) for name, sp in subprocess_specs.items()},
    })


def spec_from_json(text: str) -> tuple[Any, dict[str, Any]]:
    dct = json.loads(text)
    spec = _FULL.from_dict(dct["spec"])
    subs = {name: _FULL.from_dict(sp) for name, sp in dct["subprocess_specs"].items()}
    return spec, subs


def workflow_to_json(workflow: BpmnWorkflow) -> str:
    registry = _BY_REF.registry
    registry._encoder_mode = True
    try:
        return json.dumps(_BY_REF.to_dict(workflow), cls=_BY_REF._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def workflow_from_json(text: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    dct = json.loads(text, cls=_BY_REF.json_decoder_cls)
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    workflow: BpmnWorkflow = _BY_REF.from_dict(dct)
    return workflow
