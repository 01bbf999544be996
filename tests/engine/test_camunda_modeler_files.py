"""The demo diagrams (processes/*.bpmn) and the Camunda fixture open cleanly in Camunda Modeler.

What bpmn-js (the modeller's core) needs to show a file as drawn: well-formed XML against the OMG
BPMN 2.0 schema, declared namespaces, a target namespace, unique ids, references that resolve, and
a DI shape or edge (with bounds or waypoints) for every element on the canvas; an element without
DI is silently missing from the drawing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator

ROOT = Path(__file__).parents[2]
FILES = sorted((ROOT / "processes").glob("*.bpmn")) + sorted((Path(__file__).parent / "fixtures" / "camunda")
                                                             .glob("*.bpmn"))
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# elements drawn on the canvas: each needs a BPMNShape or BPMNEdge
SHAPES = {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
    "subProcess", "callActivity", "transaction", "lane", "participant", "textAnnotation",
    "dataObjectReference", "dataStoreReference", "group",
}
EDGES = {"sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation"}
REFERENCE_ATTRIBUTES = ("sourceRef", "targetRef", "attachedToRef", "default", "processRef", "bpmnElement",
                        "calledElement", "messageRef")
REFERENCE_ELEMENTS = ("flowNodeRef", "incoming", "outgoing")


def _load(path: Path) -> etree._Element:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()


def _model_elements(root: etree._Element) -> list[etree._Element]:
    """Elements of the BPMN model and its diagram (extension elements have ids of their own kind)."""
    return [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).namespace in (BPMN, BPMNDI, DC, DI)]


def test_there_are_files_to_check() -> None:
    names = {p.name for p in FILES}
    assert {"falun_initiative.bpmn", "stenungsund_agreement.bpmn", "grant_application.bpmn"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_definitions_and_namespaces(path: Path) -> None:
    root = _load(path)
    assert etree.QName(root).namespace == BPMN and etree.QName(root).localname == "definitions"
    assert root.get("targetNamespace"), "definitions needs a targetNamespace"
    assert root.get("id")
    declared = set(root.nsmap.values())
    assert {BPMN, BPMNDI, DC, DI} <= declared
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        assert node.nsmap == root.nsmap or set(node.nsmap.items()) >= set(root.nsmap.items()), \
            f"{path.name}:{node.sourceline}: declare namespaces once, on bpmn:definitions"
        xsi_type = node.get(f"{{{XSI}}}type")
        if xsi_type and ":" in xsi_type:
            assert xsi_type.split(":", 1)[0] in node.nsmap, f"{path.name}:{node.sourceline}: {xsi_type}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_valid_against_the_bpmn_schema(path: Path) -> None:
    BpmnValidator().validate(_load(path), path.name)  # raises ValidationException with the line


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_ids_are_unique_and_references_resolve(path: Path) -> None:
    root = _load(path)
    ids = [e.get("id") for e in _model_elements(root) if e.get("id")]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    known = set(ids)
    for node in _model_elements(root):
        for attribute in REFERENCE_ATTRIBUTES:
            value = node.get(attribute)
            if value and not (attribute == "calledElement"):
                assert value in known, f"{path.name}:{node.sourceline}: {attribute}={value!r} resolves to nothing"
        if etree.QName(node).localname in REFERENCE_ELEMENTS and etree.QName(node).namespace == BPMN:
            assert (node.text or "").strip() in known, f"{path.name}:{node.sourceline}: {node.text!r}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_drawn_element_has_di(path: Path) -> None:
    root = _load(path)
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    planes = [p.get("bpmnElement") for p in root.iter(f"{{{BPMNDI}}}BPMNPlane")]
    tops = [e.get("id") for e in root if etree.QName(e).localname in ("collaboration", "process")]
    assert planes and planes[0] in tops, "the first BPMNPlane must show the collaboration or a process"
    missing = []
    for node in root.iter(f"{{{BPMN}}}*"):
        kind, node_id = etree.QName(node).localname, node.get("id")
        if kind in SHAPES and node_id not in shapes:
            missing.append(f"{kind} {node_id} (line {node.sourceline}) has no BPMNShape")
        if kind in EDGES and node_id not in edges:
            missing.append(f"{kind} {node_id} (line {node.sourceline}) has no BPMNEdge")
    assert missing == []
    for shape in shapes.values():
        bounds = shape.find(f"{{{DC}}}Bounds")
        assert bounds is not None and float(bounds.get("width", 0)) > 0 and float(bounds.get("height", 0)) > 0, \
            f"{path.name}:{shape.sourceline}: the shape needs bounds"
    for edge in edges.values():
        assert len(edge.findall(f"{{{DI}}}waypoint")) >= 2, f"{path.name}:{edge.sourceline}: an edge needs waypoints"


def test_the_camunda_fixture_is_written_as_camunda_modeler_writes() -> None:
    [path] = [p for p in FILES if p.name == "grant_application.bpmn"]
    root = _load(path)
    assert root.nsmap["camunda"] == "http://camunda.org/schema/1.0/bpmn"
    assert root.get("{http://camunda.org/schema/modeler/1.0}executionPlatform") == "Camunda Platform"
    assert root.get("exporter") == "Camunda Modeler"
    assert "spiffworkflow" not in path.read_text(encoding="utf-8")
