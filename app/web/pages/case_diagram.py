"""The case page's diagram: which elements of the case's own definition version are done, active or failed.

States are read from the stored workflow (SpiffWorkflow task states), not guessed from history.
An element that ran several times (a correction loop) shows its most telling state:
failed before active before completed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.util.task import TaskState

from app.engine.compaction import pruned
from app.engine.definitions import ProcessDefinition
from app.engine.serialization import workflow_from_json
from app.engine.workflow_tasks import all_tasks
from app.models import Case, DefinitionVersion
from app.web.context import db, services
from app.web.pages import bpmn_vendor

log = logging.getLogger(__name__)

STATES = ("failed", "active", "completed")
_RANK = {name: rank for rank, name in enumerate(STATES)}
_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def _state_of(task_state: int) -> str | None:
    if task_state == TaskState.ERROR:
        return "failed"
    if task_state & _ACTIVE:
        return "active"
    if task_state == TaskState.COMPLETED:
        return "completed"
    return None


def element_states(case: Case, definition: ProcessDefinition) -> dict[str, str]:
    """BPMN element id -> "completed" | "active" | "failed" for the case's workflow."""
    if not case.workflow_json:
        return {}
    try:
        workflow = workflow_from_json(case.workflow_json, definition.spec, definition.subprocess_specs)
    except Exception:  # noqa: BLE001 - the page still shows the case; the diagram just has no marks
        log.exception("case %s: the workflow could not be read for the diagram", case.id)
        return {}
    states: dict[str, str] = {}
    for task in all_tasks(workflow):
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        state = _state_of(task.state)
        if state is None:
            continue
        known = states.get(bpmn_id)
        if known is None or _RANK[state] < _RANK[known]:
            states[bpmn_id] = state
    processes = {definition.spec.name: definition.spec, **definition.subprocess_specs}
    for process_name, spec_name in pruned(workflow):  # passed, its record compacted away
        spec = getattr(processes.get(process_name), "task_specs", {}).get(spec_name)
        bpmn_id = getattr(spec, "bpmn_id", None)
        if bpmn_id and bpmn_id not in states:
            states[bpmn_id] = "completed"
    return states


@dataclass
class CaseDiagram:
    diagram_file: str | None
    process: str
    version: int
    states: dict[str, str]
    lists: dict[str, list[str]] = field(default_factory=dict)
    installed: bool = True

    def as_json(self) -> dict[str, Any]:
        return {"states": self.states}


def main_diagram(row: DefinitionVersion) -> str | None:
    names = sorted(n for n in row.files if n.endswith(".bpmn"))
    marker = f'id="{row.process_id}"'
    names.sort(key=lambda n: marker not in row.files[n])
    return names[0] if names else None


def case_diagram(case: Case) -> CaseDiagram:
    row = db().get(DefinitionVersion, case.definition_id)
    assert row is not None
    definition = services().engine.definition(db(), case.definition_id)
    states = element_states(case, definition)
    lists: dict[str, list[str]] = {name: [] for name in STATES}
    for bpmn_id, state in states.items():
        info = definition.element(bpmn_id)
        if info is None:
            continue  # internal specs (start/end of subprocesses) the modeller did not draw by that id
        lists[state].append(info.name or bpmn_id)
    for names in lists.values():
        names.sort()
    shown = {k: v for k, v in states.items() if definition.element(k) is not None}
    return CaseDiagram(diagram_file=main_diagram(row), process=row.name, version=row.version, states=shown,
                       lists=lists, installed=bpmn_vendor.installed(bpmn_vendor.VIEWER))


def diagram_xml(case: Case) -> str | None:
    row = db().get(DefinitionVersion, case.definition_id)
    if row is None:
        return None
    name = main_diagram(row)
    return row.files[name] if name else None
