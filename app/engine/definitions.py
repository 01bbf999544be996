"""Process definitions: parse a bundle of BPMN and form files once, cache it per version."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from app.engine.elements import ElementInfo, read_elements
from app.engine.errors import DefinitionInvalid
from app.engine.parser import make_parser
from app.engine.serialization import spec_from_json, spec_to_json

FORM_PROPERTY_NAMES = ("formJsonSchemaFilename", "formKey", "form")


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


def _problem(file: str, line: int | str | None, element: str | None, message: str) -> str:
    where = file
    if line:
        where += f":{line}"
    if element:
        where += f" [{element}]"
    return f"{where}: {message}"


def parse_bundle(files: dict[str, str], process_id: str | None = None) -> ProcessDefinition:
    """Parse BPMN and form files into a definition; raise DefinitionInvalid listing every problem."""
    problems: list[str] = []
    bpmn_files = {n: t for n, t in files.items() if n.endswith(".bpmn")}
    if not bpmn_files:
        raise DefinitionInvalid(["the bundle has no .bpmn file"])
    forms: dict[str, dict[str, Any]] = {}
    for name, text in files.items():
        if not name.endswith(".json"):
            continue
        try:
            schema = json.loads(text)
            Draft202012Validator.check_schema(schema)
            forms[_form_key(name)] = schema
        except json.JSONDecodeError as exc:
            problems.append(_problem(name, exc.lineno, None, f"the form is not valid JSON: {exc.msg}"))
        except SchemaError as exc:
            problems.append(_problem(name, None, None, f"the form is not a valid JSON Schema: {exc.message}"))
    parser = make_parser()
    elements: dict[str, ElementInfo] = {}
    element_file: dict[str, str] = {}  # element id -> the .bpmn file it is in, for the messages below
    first_process: str | None = None
    for name, text in bpmn_files.items():
        try:
            root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False,
                                                                                 no_network=True))
        except etree.XMLSyntaxError as exc:
            problems.append(_problem(name, exc.lineno, None, f"the file is not well-formed XML: {exc.msg}"))
            continue
        try:
            parser.add_bpmn_xml(etree.ElementTree(root), filename=name)
        except ValidationException as exc:
            problems.append(_problem(name, exc.line_number, exc.id or None, str(exc).split("\n")[0]))
            continue
        found = read_elements(root)
        elements.update(found)
        element_file.update(dict.fromkeys(found, name))
        if first_process is None:
            executable = root.xpath("//bpmn:process[@isExecutable='true']/@id",
                                    namespaces={"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"})
            first_process = executable[0] if executable else None
    if problems:
        raise DefinitionInvalid(problems)
    target = process_id or first_process
    if target is None:
        raise DefinitionInvalid(["no executable process (isExecutable=\"true\") in the bundle"])
    for info in elements.values():
        where = element_file.get(info.id, "")
        if info.tag == "userTask":
            form = next((info.properties[p] for p in FORM_PROPERTY_NAMES if info.properties.get(p)), None)
            if form is None:
                problems.append(_problem(where, info.line, info.id, f"the user task '{info.name}' has no form"))
            elif _form_key(form) not in forms:
                problems.append(_problem(where, info.line, info.id,
                                         f"the user task '{info.name}' refers to the form '{form}', "
                                         "which is not in the bundle"))
            if info.role is None:
                problems.append(_problem(where, info.line, info.id,
                                         f"the user task '{info.name}' lies in the lane '{info.lane or '(none)'}',"
                                         " which maps to no role"))
    try:
        spec = parser.get_spec(target)
        subprocess_specs = parser.get_subprocess_specs(target)
    except ValidationException as exc:
        problems.append(_problem(exc.file_name, exc.line_number, exc.id or None, str(exc).split("\n")[0]))
    except Exception as exc:  # noqa: BLE001 - the parser raises many kinds; all are the diagram's fault
        problems.append(_problem(next(iter(bpmn_files)), None, None, f"the diagram cannot be read: {exc}"))
    if problems:
        raise DefinitionInvalid([p.lstrip(":") if p.startswith(":") else p for p in problems])
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


def bundle_from_directory(bpmn_path: Path) -> dict[str, str]:
    """A .bpmn file with the forms it names, read from its folder and its forms/ subfolder."""
    text = bpmn_path.read_text(encoding="utf-8")
    files = {bpmn_path.name: text}
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
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
                found = parse_bundle(row.files, row.process_id)
                found.spec, found.subprocess_specs = spec_from_json(row.spec_json)
                found.version_id, found.version = row.id, row.version
                self._by_id[version_id] = found
            return found

    def put(self, definition: ProcessDefinition) -> None:
        assert definition.version_id is not None
        with self._lock:
            self._by_id[definition.version_id] = definition


def serialized_spec(definition: ProcessDefinition) -> str:
    return spec_to_json(definition.spec, definition.subprocess_specs)
