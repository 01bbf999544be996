"""Process definitions: parse a bundle of BPMN and form files once, cache it per version."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from app.core.errors import DefinitionInvalid, Problem
from app.engine.camunda_dialect import bundle_forms
from app.engine.elements import ElementInfo, read_elements
from app.engine.parser import make_parser
from app.engine.serialization import spec_from_json, spec_to_json
from app.engine.validation.documents import (
    NS,
    XML_PARSER_OPTIONS,
    Document,
    display_name,
    read_document,
    schema_problems,
    unsupported_problems,
)
from app.engine.validation.forms import form_problems
from app.engine.validation.specs import expression_problems, operation_problems
from app.engine.validation.structure import (
    call_problems,
    flow_problems,
    gateway_problems,
    loop_problems,
    nesting_problems,
    standard_loop_problems,
)
from app.engine.validation.tasks import FORM_PROPERTY_NAMES, task_problems
from app.engine.validation.translate import translate


@dataclass
class ProcessDefinition:
    process_id: str
    name: str
    spec: Any
    subprocess_specs: dict[str, Any]
    elements: dict[str, ElementInfo]
    forms: dict[str, dict[str, Any]]
    files: dict[str, str]
    content_hash: str
    version_id: int | None = None
    version: int | None = None
    _validators: dict[str, Draft202012Validator] = field(default_factory=dict, repr=False)
    # the start form per starter role, found once per version (app.domain.start_data)
    start_forms: dict[str, str | None] = field(default_factory=dict, repr=False)

    def element(self, bpmn_id: str) -> ElementInfo | None:
        return self.elements.get(bpmn_id)

    def form_name_for(self, bpmn_id: str) -> str | None:
        info = self.elements.get(bpmn_id)
        if info is None:
            return None
        for prop in FORM_PROPERTY_NAMES:
            if info.properties.get(prop):
                return _form_key(info.properties[prop])
        return None

    def form(self, name: str | None) -> dict[str, Any] | None:
        if not name:
            return None
        return self.forms.get(_form_key(name))

    def validator(self, name: str) -> Draft202012Validator:
        key = _form_key(name)
        if key not in self._validators:
            self._validators[key] = Draft202012Validator(self.forms[key])
        return self._validators[key]


def _form_key(name: str) -> str:
    base = Path(name).name
    return base[:-5] if base.endswith(".json") else base


def content_hash(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(files[name].encode())
        digest.update(b"\0")
    return digest.hexdigest()


def parse_bundle(files: dict[str, str], process_id: str | None = None, *,
                 operations: Collection[str],
                 deployed_processes: Collection[str] = ()) -> ProcessDefinition:
    """Parse and check BPMN, DMN and form files; raise DefinitionInvalid listing every problem.

    `operations`: the service operations the handlers provide (the engine's registry, given by the
    composition root, app/services.py). `deployed_processes`:
    ids deployed already, only to word the message about a call activity to one of them.
    The checks are listed in docs/architecture.md ("Checks before deployment")."""
    if not any(name.endswith(".bpmn") for name in files):
        raise DefinitionInvalid([Problem(file="", message="the bundle has no .bpmn file", code="no_bpmn")])
    problems: list[Problem | str] = []
    # 1. the files one by one: forms, then well-formed BPMN documents that follow the schema
    forms = _read_forms(files, problems)
    documents: list[Document] = []
    for name, text in files.items():
        if name.endswith(".bpmn"):
            doc, found = read_document(name, text)
            problems.extend(found)
            if doc is not None:
                problems.extend(schema_problems(doc))
                problems.extend(unsupported_problems(doc))
                documents.append(doc)
    # 2. the drawing as a whole, before SpiffWorkflow reads it
    for doc in documents:
        problems.extend(flow_problems(doc))
        problems.extend(gateway_problems(doc))
    problems.extend(call_problems(documents, deployed_processes))
    problems.extend(nesting_problems(documents))
    problems.extend(loop_problems(documents))
    problems.extend(standard_loop_problems(documents))
    # 3. SpiffWorkflow reads the documents (a dialect may rewrite them first: app.engine.parser)
    parser = make_parser(operations)
    elements: dict[str, ElementInfo] = {}
    element_file: dict[str, str] = {}  # element id -> the .bpmn file it is in
    first_process: str | None = None
    for doc in documents:
        try:
            parser.add_bpmn_xml(etree.ElementTree(doc.root), filename=doc.name)
        except ValidationException as exc:
            problems.append(_spiff_problem(exc, documents, doc.name))
            continue
        read = read_elements(doc.root)
        problems.extend(bundle_forms(doc.root, doc.name, forms))  # forms drawn as camunda:formData
        elements.update(read)
        element_file.update(dict.fromkeys(read, doc.name))
        if first_process is None:
            executable = doc.root.xpath("//bpmn:process[@isExecutable='true']/@id", namespaces=NS)
            first_process = executable[0] if executable else None
    _read_decisions(files, parser, problems)
    dialect = [Problem.parse(p) if isinstance(p, str) else p for p in parser.dialect_problems]
    problems.extend(dialect)  # what the Camunda dialect cannot run (app.engine.camunda_dialect)
    problems.extend(task_problems(documents, elements, element_file, forms))
    target = process_id or first_process
    if target is None:
        if len(documents) < sum(1 for name in files if name.endswith(".bpmn")):
            _refuse(problems)  # a file could not be read: its own message says why
        problems.append(Problem(file=next(iter(sorted(n for n in files if n.endswith(".bpmn")))),
                                message='no executable process (isExecutable="true") in the bundle',
                                code="no_executable_process"))
        _refuse(problems)
    _raise_if_any(problems)
    # 4. the parsed specs: expressions, timers and service operations
    try:
        spec = parser.get_spec(target)
        subprocess_specs = parser.get_subprocess_specs(target)
    except ValidationException as exc:
        raise DefinitionInvalid([_spiff_problem(exc, documents, next(iter(element_file.values()), ""))]) from exc
    except Exception as exc:  # noqa: BLE001 - the parser raises many kinds; all are the diagram's fault
        raise DefinitionInvalid([Problem(file=documents[0].name if documents else "", code="engine_refused",
                                         message=f"the diagram cannot be read: {type(exc).__name__}: {exc}")]) \
            from exc
    locate = _locator(documents, elements, element_file)
    problems.extend(expression_problems(spec, subprocess_specs, locate, _flow_finder(documents)))
    told = {p.element_id for p in dialect if p.element_id}
    problems.extend(p for p in operation_problems(spec, subprocess_specs, locate, operations)
                    if p.element_id not in told)
    _raise_if_any(problems)
    return ProcessDefinition(
        process_id=target,
        name=spec.description or target,
        spec=spec,
        subprocess_specs=subprocess_specs,
        elements=elements,
        forms=forms,
        files=dict(files),
        content_hash=content_hash(files),
    )


def load_bundle(files: dict[str, str], process_id: str) -> ProcessDefinition:
    """A deployed bundle's elements and forms, without checks; the caller supplies the stored spec.

    Deployed versions stay loadable when the checks become stricter."""
    forms: dict[str, dict[str, Any]] = {}
    for name, text in files.items():
        if name.endswith(".json"):
            forms[_form_key(name)] = json.loads(text)
    elements: dict[str, ElementInfo] = {}
    for name, text in files.items():
        if name.endswith(".bpmn"):
            root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(**XML_PARSER_OPTIONS))
            elements.update(read_elements(root))
            bundle_forms(root, name, forms)
    return ProcessDefinition(process_id=process_id, name=process_id, spec=None, subprocess_specs={},
                             elements=elements, forms=forms, files=dict(files), content_hash=content_hash(files))


def _raise_if_any(problems: list[Problem | str]) -> None:
    if problems:
        _refuse(problems)


def _refuse(problems: list[Problem | str]) -> NoReturn:
    """Raise DefinitionInvalid with the problems, without repeats, in file order and by line."""
    details = list({(d.file, d.element_id, d.code, d.message): d for d in (
        Problem.parse(p) if isinstance(p, str) else p for p in problems)}.values())
    order = {name: i for i, name in enumerate(dict.fromkeys(p.file for p in details))}
    details.sort(key=lambda p: (order[p.file], p.line or 0))
    raise DefinitionInvalid(details)


def _read_forms(files: dict[str, str], problems: list[Problem | str]) -> dict[str, dict[str, Any]]:
    forms: dict[str, dict[str, Any]] = {}
    for name, text in files.items():
        if name.endswith(".json"):
            schema, found = form_problems(name, text)
            problems.extend(found)
            forms[_form_key(name)] = schema if schema is not None else {}  # a broken form: its own message
    return forms


def _read_decisions(files: dict[str, str], parser: Any, problems: list[Problem | str]) -> None:
    for name, text in files.items():
        if not name.endswith(".dmn"):
            continue
        try:
            root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(**XML_PARSER_OPTIONS))
            parser.add_dmn_xml(root, filename=name)
        except etree.XMLSyntaxError as exc:
            problems.append(Problem(file=name, line=exc.lineno or None, code="xml_syntax",
                                    message=f"the file is not well-formed XML: {exc.msg}"))
        except Exception as exc:  # noqa: BLE001 - a DMN file the library cannot read is the file's fault
            problems.append(Problem(file=name, code="dmn_invalid",
                                    message=f"the decision table cannot be read: {str(exc).splitlines()[0]}"))


def _spiff_problem(exc: ValidationException, documents: list[Document], fallback: str) -> Problem:
    message, code = translate(str(exc))
    file = exc.file_name or fallback
    element_id = exc.id or None
    doc = next((d for d in documents if d.name == file), None)
    node = doc.by_id.get(element_id) if doc is not None and element_id else None
    line = node.sourceline if node is not None else (int(exc.line_number) if str(exc.line_number).isdigit()
                                                       else None)
    name = display_name(node) if node is not None else (getattr(exc, "name", "") or None)
    return Problem(file=file, line=line, element_id=element_id, element_name=name, message=message, code=code)


def _flow_finder(documents: list[Document]) -> Callable[[str, str], str | None]:
    """The id of the sequence flow from one element to another, if the diagrams have one."""
    flows: dict[tuple[str, str], str] = {}
    for doc in documents:
        for node in doc.root.iter(f"{{{NS['bpmn']}}}sequenceFlow"):
            flows.setdefault((node.get("sourceRef") or "", node.get("targetRef") or ""), node.get("id") or "")
    return lambda source, target: flows.get((source, target)) or None


def _locator(documents: list[Document], elements: dict[str, ElementInfo],
             element_file: dict[str, str]) -> Callable[[str | None], Problem]:
    def locate(element_id: str | None) -> Problem:
        for doc in documents:
            node = doc.by_id.get(element_id or "")
            if node is not None:
                return doc.problem(node, "", "invalid")
        info = elements.get(element_id or "")
        return Problem(file=element_file.get(element_id or "", documents[0].name if documents else ""),
                       line=info.line if info else None, element_id=element_id,
                       element_name=info.name if info else None, message="")

    return locate


def bundle_from_directory(bpmn_path: Path) -> dict[str, str]:
    """A .bpmn file with the forms it names, read from its folder and its forms/ subfolder."""
    text = bpmn_path.read_text(encoding="utf-8")
    files = {bpmn_path.name: text}
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(**XML_PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError):
        return files  # parse_bundle reports the XML error with its line
    for info in read_elements(root).values():
        for prop in FORM_PROPERTY_NAMES:
            name = info.properties.get(prop)
            if not name:
                continue
            fname = Path(name).name if name.endswith(".json") else f"{name}.json"
            for candidate in (bpmn_path.parent / "forms" / fname, bpmn_path.parent / fname):
                if candidate.exists():
                    files[fname] = candidate.read_text(encoding="utf-8")
                    break
    return files


class DefinitionCache:
    """Parsed definitions by version id, built at most once per process."""

    def __init__(self) -> None:
        self._by_id: dict[int, ProcessDefinition] = {}
        self._lock = threading.Lock()

    def get(self, version_id: int, loader: Any) -> ProcessDefinition:
        found = self._by_id.get(version_id)
        if found is not None:
            return found
        with self._lock:
            found = self._by_id.get(version_id)
            if found is None:
                row = loader(version_id)
                found = load_bundle(row.files, row.process_id)
                found.spec, found.subprocess_specs = spec_from_json(row.spec_json)
                found.name = row.name or row.process_id
                found.version_id, found.version = row.id, row.version
                self._by_id[version_id] = found
            return found

    def put(self, definition: ProcessDefinition) -> None:
        assert definition.version_id is not None
        with self._lock:
            self._by_id[definition.version_id] = definition


def serialized_spec(definition: ProcessDefinition) -> str:
    return spec_to_json(definition.spec, definition.subprocess_specs)
