"""What we read from a BPMN file beside SpiffWorkflow's parse: names, lanes, properties.

Properties come from `spiffworkflow:properties` or `camunda:properties`, so the
same diagram conventions work in both modellers' dialects. Camunda user tasks add
`camunda:assignee`, `camunda:dueDate` and `camunda:candidateGroups` (the role; it wins over the
lane), and their form: `camunda:formKey` (a bundle form file) or the form generated from
`camunda:formData` (app.engine.camunda_forms), both as form properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from app.core.roles import role_for_lane
from app.engine.camunda_forms import form_key_name, generated_form_name, has_form_data

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {
    "bpmn": BPMN_NS,
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}
_FLOW_NODE_TAGS = {
    "userTask", "manualTask", "task", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "subProcess",
    "callActivity", "transaction",
}


@dataclass
class ElementInfo:
    id: str
    tag: str
    name: str
    line: int | None
    lane: str | None
    role: str | None
    properties: dict[str, str] = field(default_factory=dict)
    documentation: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    assignee: str | None = None  # camunda:assignee: a user name or ${expression}
    due_date: str | None = None  # camunda:dueDate: ISO date, date-time, duration or ${expression}
    candidate_groups: list[str] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _properties(node: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for prop in node.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
        " | ./bpmn:extensionElements/camunda:properties/camunda:property",
        namespaces=NS,
    ):
        name = prop.get("name")
        if name:
            props[name] = prop.get("value", "")
    return props


def read_elements(root: etree._Element) -> dict[str, ElementInfo]:
    lanes: dict[str, str] = {}
    for ref in root.iter(f"{{{BPMN_NS}}}flowNodeRef"):
        if ref.text:
            lane_name = ref.getparent().get("name") or ref.getparent().get("id") or ""
            lanes[ref.text.strip()] = lane_name
    result: dict[str, ElementInfo] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{BPMN_NS}}}"):
            continue
        tag = _local(node.tag)
        if tag not in _FLOW_NODE_TAGS or not node.get("id"):
            continue
        node_id = node.get("id")
        lane = lanes.get(node_id) or _inherited_lane(node, lanes)
        doc = node.find(f"{{{BPMN_NS}}}documentation")
        info = ElementInfo(
            id=node_id,
            tag=tag,
            name=(node.get("name") or node_id).strip(),
            line=node.sourceline,
            lane=lane,
            role=role_for_lane(lane),
            properties=_properties(node),
            documentation=(doc.text or "").strip() if doc is not None else "",
            attributes={_local(k): v for k, v in node.attrib.items()},
        )
        if tag == "userTask":
            _read_camunda_task(node, info)
        result[node_id] = info
    return result


def _read_camunda_task(node: etree._Element, info: ElementInfo) -> None:
    camunda = "{" + NS["camunda"] + "}"
    info.assignee = node.get(f"{camunda}assignee")
    info.due_date = node.get(f"{camunda}dueDate")
    groups = [g.strip() for g in (node.get(f"{camunda}candidateGroups") or "").split(",") if g.strip()]
    info.candidate_groups = groups
    roles = [r for r in (role_for_lane(g) for g in groups) if r]
    if roles and len(groups) == len(roles) and len(set(roles)) == 1:
        info.role = roles[0]  # unknown or several roles: camunda_dialect reports it
    form_key = node.get(f"{camunda}formKey")
    if form_key:
        info.properties.setdefault("formKey", form_key_name(form_key))
    elif has_form_data(node):
        info.properties.setdefault("form", generated_form_name(info.id))


def _inherited_lane(node: etree._Element, lanes: dict[str, str]) -> str | None:
    parent = node.getparent()
    while parent is not None:
        pid = parent.get("id")
        if pid and pid in lanes:
            return lanes[pid]
        parent = parent.getparent()
    return None
