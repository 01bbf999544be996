"""Reading BPMN documents: well-formed XML, a BPMN root, the BPMN 2.0 schema, supported elements.

The schema is the OMG BPMN 2.0 XSD that SpiffWorkflow ships (SpiffWorkflow/bpmn/parser/schema);
we validate against it, without SpiffWorkflow's own extension schema, so that extension elements
of any modeller (camunda:, zeebe:, flowable:, signavio:, ...) pass as the standard allows.
libxml2 reports the first schema error of each element's content; the structural checks in
app.engine.validation.structure find the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH, BpmnValidator

from app.core.errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
B = f"{{{BPMN_NS}}}"
NS = {"bpmn": BPMN_NS}

XML_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}

# Elements of the standard that the engine cannot run as drawn, with what to do instead.
UNSUPPORTED = {
    "complexGateway": "complex gateways are not supported; use an exclusive or inclusive gateway with conditions",
    "transaction": "transactions are not supported (they need compensation, which the engine lacks); "
                   "use an ordinary subprocess",
    "adHocSubProcess": "ad-hoc subprocesses are not supported; draw the order of the tasks, or use parallel "
                       "branches",
    "compensateEventDefinition": "compensation events are not supported; draw the undoing steps as ordinary "
                                 "tasks",
    "conditionalEventDefinition": "conditional events are not supported: nothing re-checks the condition while "
                                  "a case waits; use a message or a timer instead",
    "linkEventDefinition": "link events are not supported; draw the sequence flow instead",
    "dataStoreReference": "data stores are not supported; keep data in the case (form fields and scripts)",
    "choreography": "choreographies are not supported; draw a process",
    "globalTask": "global tasks are not supported; draw the task in the process",
}


@dataclass
class Document:
    """One parsed .bpmn file and an index of its elements."""

    name: str
    root: etree._Element
    by_id: dict[str, etree._Element] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in self.root.iter():
            if isinstance(node.tag, str) and node.get("id"):
                self.by_id.setdefault(node.get("id"), node)

    def problem(self, node: etree._Element | None, message: str, code: str, line: int | None = None) -> Problem:
        if node is None:
            return Problem(file=self.name, line=line, message=message, code=code)
        return Problem(file=self.name, line=line or node.sourceline, element_id=node.get("id") or None,
                       element_name=display_name(node), message=message, code=code)


def display_name(node: etree._Element) -> str | None:
    name = (node.get("name") or "").strip()
    return " ".join(name.split()) or None


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def is_bpmn(node: etree._Element, *names: str) -> bool:
    return isinstance(node.tag, str) and node.tag.startswith(B) and (not names or local(node.tag) in names)


def read_document(name: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse one .bpmn file; the document, or None and the reason."""
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(**XML_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        return None, [Problem(file=name, line=line, code="xml_syntax",
                              message=f"the file is not well-formed XML: {exc.msg}")]
    except ValueError as exc:  # e.g. an encoding declaration lxml refuses on text
        return None, [Problem(file=name, code="xml_syntax", message=f"the file is not well-formed XML: {exc}")]
    if root.tag != f"{B}definitions":
        found = local(root.tag) if isinstance(root.tag, str) else "?"
        return None, [Problem(file=name, line=root.sourceline, code="not_bpmn",
                              message=f"the file is not a BPMN 2.0 diagram: its root element is <{found}>, not "
                                      "<bpmn:definitions> in the namespace http://www.omg.org/spec/BPMN/20100524/MODEL")]
    return Document(name, root), []


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return BpmnValidator().validator


_ELEMENT = re.compile(r"^Element '(?:\{(?P<ns>[^}]*)\})?(?P<tag>[^']+)'(?:, attribute '(?P<attr>[^']+)')?: ")
_QNAME = re.compile(r"\{http://www\.omg\.org/spec/BPMN/20100524/MODEL\}")
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
_KNOWN_BPMN_ELEMENTS: set[str] = set()


def _known_bpmn_elements() -> set[str]:
    if not _KNOWN_BPMN_ELEMENTS:
        semantic = etree.parse(str(XSD_PATH).replace("BPMN20.xsd", "Semantic.xsd"))
        _KNOWN_BPMN_ELEMENTS.update(node.get("name") for node in semantic.getroot()
                                    if local(node.tag) == "element" and node.get("name"))
    return _KNOWN_BPMN_ELEMENTS


def schema_problems(doc: Document) -> list[Problem]:
    """The BPMN 2.0 schema's complaints, in plain words, each placed on the nearest element with an id."""
    schema = _schema()
    if schema.validate(doc.root):
        return []
    problems = []
    for error in schema.error_log:
        node = _element_at(doc, error.line)
        problems.append(doc.problem(node, _schema_message(error.message), "bpmn_schema", line=error.line))
    return problems


def _element_at(doc: Document, line: int) -> etree._Element | None:
    best = None
    for node in doc.root.iter():
        if not isinstance(node.tag, str) or node.sourceline is None:
            continue
        if node.sourceline > line:
            break
        if node.get("id"):
            best = node
    return best


def _schema_message(raw: str) -> str:
    found = _ELEMENT.match(raw)
    if found is None:
        return f"the file does not follow the BPMN 2.0 schema: {_QNAME.sub('bpmn:', raw)}"
    prefix = "bpmn:" if found.group("ns") == BPMN_NS else (f"{{{found.group('ns')}}}" if found.group("ns") else "")
    element = f"<{prefix}{found.group('tag')}>"
    attr = found.group("attr")
    rest = raw[found.end():]
    if "This element is not expected" in rest:
        if found.group("ns") == BPMN_NS and found.group("tag") not in _known_bpmn_elements():
            return f"{element} is not an element of BPMN 2.0"
        return f"{element} may not stand here (BPMN 2.0 schema)"
    if "Missing child element" in rest:
        expected = re.findall(r"\{[^}]*\}(\w+)", rest)
        wanted = ", ".join(f"<bpmn:{e}>" for e in dict.fromkeys(expected)) or "a child element"
        return f"{element} lacks a required child element: {wanted}"
    if "is required but missing" in rest:
        missing = re.search(r"attribute '([^']+)'", rest)
        return f"{element} lacks the required attribute '{missing.group(1) if missing else '?'}'"
    if "is not allowed" in rest and attr:
        return f"{element} has the attribute '{attr}', which BPMN 2.0 does not define"
    value = re.search(r"'([^']*)' is not a valid value of the atomic type '([^']+)'", rest)
    if value and attr == "id":
        if _NCNAME.match(value.group(1)):
            return f"the id '{value.group(1)}' is used by more than one element; every element needs its own id"
        return (f"the id '{value.group(1)}' is not a valid XML id: it must start with a letter or '_' and contain "
                "no spaces")
    if value:
        return f"the attribute '{attr}' of {element} has the value '{value.group(1)}', which is not a valid " \
               f"{value.group(2).removeprefix('xs:')}"
    choice = re.search(r"The value '([^']*)' is not an element of the set (\{[^}]*\})", rest)
    if choice and attr:
        return f"the attribute '{attr}' of {element} has the value '{choice.group(1)}'; allowed are {choice.group(2)}"
    return f"{element}: {_QNAME.sub('bpmn:', rest)}"


def unsupported_problems(doc: Document) -> list[Problem]:
    problems = []
    for node in doc.root.iter():
        if not is_bpmn(node):
            continue
        tag = local(node.tag)
        message = UNSUPPORTED.get(tag)
        if tag == "task" and node.get("isForCompensation") == "true":
            message = UNSUPPORTED["compensateEventDefinition"]
        if message is None:
            continue
        owner = node if node.get("id") and not tag.endswith("EventDefinition") else node.getparent()
        problems.append(doc.problem(owner, message, "unsupported_element", line=node.sourceline))
    return problems
