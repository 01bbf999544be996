"""The case page's diagram: which elements of the case's own definition version are done, active or failed.

States are read from the stored workflow (SpiffWorkflow task states), not guessed from history.
An element that ran several times (a correction loop) shows its most telling state:
failed before active before completed. An active element that waits for a date or a message
(a timer, a message catch) is "waiting"; the diagram marks it as active, the text list says "väntar".

The same states feed the text list of steps beside the diagram (process order, nested by subprocess),
which is also what a reader without JavaScript sees. The BPMN file sent to the viewer has its lane
names in the reader's language (role titles), so the drawing does not show "Officer" on a Swedish page.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from app.core.roles import ROLE_TITLES, role_for_lane
from app.core.statuses import CaseStatus
from app.engine.compaction import pruned
from app.engine.definitions import ProcessDefinition
from app.engine.elements import BPMN_NS
from app.engine.serialization import workflow_from_json
from app.engine.validation.documents import XML_PARSER_OPTIONS
from app.engine.workflow_tasks import all_tasks
from app.models import Case, DefinitionVersion
from app.web.context import db
from app.web.pages import bpmn_vendor

log = logging.getLogger(__name__)

STATES = ("failed", "active", "completed")
STEP_STATES = ("completed", "active", "waiting", "failed")  # the text list's words: klar, pågår, väntar, fel
_RANK = {name: rank for rank, name in enumerate(STATES)}
_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
_NOT_STEPS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}


def _state_of(task_state: int) -> str | None:
    if task_state == TaskState.ERROR:
        return "failed"
    if task_state & _ACTIVE:
        return "active"
    if task_state == TaskState.COMPLETED:
        return "completed"
    return None


@dataclass
class WorkflowStates:
    states: dict[str, str]  # bpmn id -> completed | active | failed
    waiting: set[str]  # active ids that wait (a timer or a message), nothing ready to work on


_CATCH_EVENTS = {"boundaryEvent", "intermediateCatchEvent"}


def workflow_states(workflow: BpmnWorkflow, definition: ProcessDefinition,
                    happened: set[str] | None = None) -> WorkflowStates:
    """`happened`: the BPMN ids the case history names (timers fired, messages received). Compaction keeps
    only the names of the tasks it removed, fired or cancelled alike; a removed catch event (a boundary
    timer, a message) counts as passed only when the history says it happened."""
    states: dict[str, str] = {}
    ready: set[str] = set()
    waiting: set[str] = set()
    for task in all_tasks(workflow):
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id:
            continue
        state = _state_of(task.state)
        if state is None:
            continue
        if task.state == TaskState.WAITING:
            waiting.add(bpmn_id)
        elif state == "active":
            ready.add(bpmn_id)
        known = states.get(bpmn_id)
        if known is None or _RANK[state] < _RANK[known]:
            states[bpmn_id] = state
    processes = {definition.spec.name: definition.spec, **definition.subprocess_specs}
    for process_name, spec_name in pruned(workflow):  # passed, its record compacted away
        spec = getattr(processes.get(process_name), "task_specs", {}).get(spec_name)
        bpmn_id = getattr(spec, "bpmn_id", None)
        if not bpmn_id or bpmn_id in states:
            continue
        info = definition.element(bpmn_id)
        if happened is not None and info is not None and info.tag in _CATCH_EVENTS and bpmn_id not in happened:
            continue  # cancelled when its activity ended (a withdrawal that never came, a timer not needed)
        states[bpmn_id] = "completed"
    # a subprocess or a timer that waits is "waiting" unless something in it is ready to work on
    waiting = {i for i in waiting - ready if states.get(i) == "active"}
    return WorkflowStates(states=states, waiting=waiting)


def element_states(case: Case, definition: ProcessDefinition) -> dict[str, str]:
    """BPMN element id -> "completed" | "active" | "failed" for the case's workflow."""
    if not case.workflow_json:
        return {}
    try:
        workflow = workflow_from_json(case.workflow_json, definition.spec, definition.subprocess_specs)
    except Exception:  # noqa: BLE001 - the page still shows the case; the diagram just has no marks
        log.exception("case %s: the workflow could not be read for the diagram", case.id)
        return {}
    return workflow_states(workflow, definition).states


# ------------------------------------------------------------------ the drawing's structure, once per version
@dataclass(frozen=True)
class Node:
    id: str
    tag: str
    name: str  # "" when the modeller gave it none (never its id)
    parent: str | None  # the subprocess it is drawn in
    order: int  # document order: the modeller's process order


_LAYOUTS: dict[str, dict[str, Node]] = {}
_LOCK = threading.Lock()


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def layout(definition: ProcessDefinition, xml: str | None) -> dict[str, Node]:
    """Every flow node of the main diagram with its real name and its enclosing subprocess (cached per content)."""
    key = definition.content_hash
    found = _LAYOUTS.get(key)
    if found is not None:
        return found
    nodes: dict[str, Node] = {}
    if xml:
        try:
            root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(**XML_PARSER_OPTIONS))
        except etree.XMLSyntaxError:
            root = None
        if root is not None:
            for index, node in enumerate(root.iter(f"{{{BPMN_NS}}}*")):
                node_id = node.get("id")
                if not node_id or definition.element(node_id) is None:
                    continue
                parent = node.getparent()
                while parent is not None and _local(parent.tag) not in _CONTAINERS:
                    parent = parent.getparent()
                nodes[node_id] = Node(id=node_id, tag=_local(node.tag), name=(node.get("name") or "").strip(),
                                      parent=parent.get("id") if parent is not None else None, order=index)
    with _LOCK:
        if len(_LAYOUTS) > 64:
            _LAYOUTS.clear()
        _LAYOUTS[key] = nodes
    return nodes


@dataclass
class Step:
    id: str
    name: str
    state: str  # completed | active | waiting | failed
    children: list[Step] = field(default_factory=list)


def step_list(nodes: dict[str, Node], found: WorkflowStates) -> list[Step]:
    """The named steps the case has reached, in process order, nested by subprocess.

    Gateways are decisions, not steps; an element without a name is left out (its id means nothing
    to a reader), its named steps inside still show."""
    by_id: dict[str, Step] = {}
    for node in sorted(nodes.values(), key=lambda n: n.order):
        state = found.states.get(node.id)
        if state is None or not node.name or node.tag in _NOT_STEPS:
            continue
        if state == "active" and node.id in found.waiting:
            state = "waiting"
        by_id[node.id] = Step(id=node.id, name=node.name, state=state)
    top: list[Step] = []
    for step_id, step in by_id.items():
        parent = nodes[step_id].parent
        while parent is not None and parent not in by_id:
            parent = nodes[parent].parent if parent in nodes else None
        (by_id[parent].children if parent is not None else top).append(step)
    return top


@dataclass
class CaseDiagram:
    diagram_file: str | None
    process: str
    version: int
    states: dict[str, str]
    waiting: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)
    installed: bool = True

    def as_json(self) -> dict[str, Any]:
        return {"states": self.states, "waiting": self.waiting}


def main_diagram(row: DefinitionVersion) -> str | None:
    names = sorted(n for n in row.files if n.endswith(".bpmn"))
    marker = f'id="{row.process_id}"'
    names.sort(key=lambda n: marker not in row.files[n])
    return names[0] if names else None


def case_diagram(case: Case, workflow: BpmnWorkflow | None, definition: ProcessDefinition,
                 happened: set[str] | None = None) -> CaseDiagram:
    """The diagram's marks and the text list from an already loaded workflow (None: it could not be read);
    `happened`: the BPMN ids the case's history names (see workflow_states)."""
    row = db().get(DefinitionVersion, case.definition_id)
    assert row is not None
    file = main_diagram(row)
    found = workflow_states(workflow, definition, happened) if workflow is not None else WorkflowStates({}, set())
    incident = (case.summary or {}).get("incident") if case.status == CaseStatus.FAILED else None
    failed_at = incident.get("task") if isinstance(incident, dict) else None
    if isinstance(failed_at, str) and definition.element(failed_at) is not None:
        found.states[failed_at] = "failed"  # the step the case stopped at (its run was rolled back)
        found.waiting.discard(failed_at)
    nodes = layout(definition, row.files.get(file) if file else None)
    shown = {k: v for k, v in found.states.items() if definition.element(k) is not None}
    lists: dict[str, list[str]] = {name: [] for name in STATES}
    for bpmn_id, state in shown.items():
        node = nodes.get(bpmn_id)
        if node is not None and node.name and node.tag not in _NOT_STEPS:
            lists[state].append(node.name)
    return CaseDiagram(diagram_file=file, process=row.name, version=row.version, states=shown,
                       waiting=sorted(i for i in found.waiting if i in shown), steps=step_list(nodes, found),
                       lists={k: sorted(v) for k, v in lists.items()},
                       installed=bpmn_vendor.installed(bpmn_vendor.VIEWER))


def lane_title(lane: str, lang: str) -> str:
    """A lane's name as a role title in the reader's language ("Officer" -> "Handläggare"); other names stay."""
    role = role_for_lane(lane)
    return ROLE_TITLES.get(role or "", {}).get(lang, lane) if role else lane


def localized_xml(xml: str, lang: str) -> str:
    """The BPMN with each lane named by its role title in `lang` (the drawing only; ids and flows stay)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(**XML_PARSER_OPTIONS))
    except etree.XMLSyntaxError:
        return xml
    changed = False
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        name = lane.get("name")
        if name:
            title = lane_title(name, lang)
            if title != name:
                lane.set("name", title)
                changed = True
    if not changed:
        return xml
    return str(etree.tostring(root, encoding="unicode"))


def diagram_xml(case: Case, lang: str = "sv") -> str | None:
    row = db().get(DefinitionVersion, case.definition_id)
    if row is None:
        return None
    name = main_diagram(row)
    return localized_xml(row.files[name], lang) if name else None
