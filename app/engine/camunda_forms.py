"""Camunda `camunda:formData` as the JSON Schema forms our renderer and validator use.

| camunda:formField | JSON Schema property |
| --- | --- |
| `id`, `label` | property name, `title` |
| type `string` / `long` / `boolean` / `date` | `string` / `integer` / `boolean` / `string` + `format: date` |
| type `enum` with `camunda:value id name` | `enum` of the ids, `x-enum-titles` of the names |
| `defaultValue` | `default` (typed) |
| validation `required` | listed in `required` |
| `minlength` / `maxlength` | `minLength` / `maxLength` (strings) |
| `min` / `max` | `minimum` / `maximum` (long fields; other constraints are refused) |
| `readonly` | not submittable; the forms of this diagram that collect the field go into `x-show` |
| `camunda:property id="description"` or `id="x-..."` | `description`, or that `x-` key (e.g. `x-widget: textarea`) |
| `camunda:property id="visibility"` (`party`, `staff`, `roles:a,b`), `"partyWhen"` | `x-visibility`, `x-party-when` |
| `camunda:property id="secret"` (the legal ground) with `id="secretRoles"` (`officer,lawyer`) | `x-secret` |

(The visibility keys are app.engine.field_rules'.)

The schema is named `<task id>.formData` in the definition's forms and is checked (the checks of
form files, app.engine.validation.forms) and used exactly like a form file of the bundle. A
`camunda:formKey` names a form file of the bundle instead (`embedded:`, `app:`, `deployment:`
prefixes and folders are dropped: `embedded:app:forms/grant.json` → `grant.json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lxml import etree

from app.engine.field_rules import (
    PARTY_WHEN_KEY,
    SECRECY_KEY,
    VISIBILITY_KEY,
    audience_problem,
    party_when_problem,
    secret_problem,
)

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
_C = f"{{{CAMUNDA_NS}}}"
SUFFIX = ".formData"
_FORM_KEY_PREFIXES = ("camunda-forms:", "embedded:", "deployment:", "app:")


@dataclass
class GeneratedForm:
    name: str
    schema: dict[str, Any]
    problems: list[tuple[int | None, str]] = field(default_factory=list)  # (line, message)
    readonly: list[str] = field(default_factory=list)


def generated_form_name(element_id: str) -> str:
    return f"{element_id}{SUFFIX}"


def form_key_name(form_key: str) -> str:
    """`camunda:formKey` as the name of a bundle form file."""
    key = form_key.strip()
    changed = True
    while changed:
        changed = False
        for prefix in _FORM_KEY_PREFIXES:
            if key.startswith(prefix):
                key, changed = key[len(prefix):], True
    return PurePosixPath(key).name


def has_form_data(node: etree._Element) -> bool:
    return bool(node.xpath("./bpmn:extensionElements/camunda:formData", namespaces=NS))


def _typed(value: str, kind: str) -> Any:
    if kind == "long":
        return int(value)
    if kind == "boolean":
        if value.strip().lower() not in ("true", "false"):
            raise ValueError(f"{value!r} is not true or false")
        return value.strip().lower() == "true"
    return value


def _field(node: etree._Element, form: GeneratedForm) -> tuple[str, dict[str, Any], bool, bool] | None:
    """(name, property, required, readonly) of one formField, or None after noting a problem."""
    name = node.get("id") or ""
    line = node.sourceline
    if not name.isidentifier():
        form.problems.append((line, f"the form field id {name!r} must be a name (letters, digits, _)"))
        return None
    kind = node.get("type") or "string"
    prop: dict[str, Any]
    if kind == "string":
        prop = {"type": "string"}
    elif kind == "long":
        prop = {"type": "integer"}
    elif kind == "boolean":
        prop = {"type": "boolean"}
    elif kind == "date":
        prop = {"type": "string", "format": "date"}
    elif kind == "enum":
        values = node.findall(f"{_C}value")
        if not values:
            form.problems.append((line, f"the enum field {name!r} has no camunda:value"))
            return None
        prop = {"type": "string", "enum": [v.get("id") or "" for v in values],
                "x-enum-titles": {"sv": [v.get("name") or v.get("id") or "" for v in values]}}
    else:
        form.problems.append((line, f"the form field {name!r} has the type {kind!r}; supported are string, long, "
                                    "boolean, date and enum"))
        return None
    prop["title"] = (node.get("label") or name).strip()
    default = node.get("defaultValue")
    if default is not None and not default.strip().startswith(("${", "#{")):
        try:
            prop["default"] = _typed(default, kind)
        except ValueError as exc:
            form.problems.append((line, f"the default value of {name!r} does not fit its type: {exc}"))
    secret: dict[str, Any] = {}
    for prop_node in node.xpath("./camunda:properties/camunda:property", namespaces=NS):
        key, value = prop_node.get("id") or "", prop_node.get("value") or ""
        if key in ("visibility", VISIBILITY_KEY, "partyWhen", PARTY_WHEN_KEY):
            rule_key = VISIBILITY_KEY if key in ("visibility", VISIBILITY_KEY) else PARTY_WHEN_KEY
            check = audience_problem if rule_key == VISIBILITY_KEY else party_when_problem
            problem = check(value)
            if problem:
                form.problems.append((prop_node.sourceline, f"the property '{key}' of the form field {name!r} "
                                                            f"{problem}"))
            else:
                prop[rule_key] = value
        elif key == "secret":
            secret["ground"], secret["line"] = value, prop_node.sourceline
        elif key == "secretRoles":
            secret["roles"] = [r.strip() for r in value.split(",") if r.strip()]
            secret.setdefault("line", prop_node.sourceline)
        elif key == "description" or key.startswith("x-"):
            prop[key] = value
    if secret:
        line = secret.pop("line")
        problem = secret_problem({"ground": secret.get("ground", ""), "roles": secret.get("roles", [])})
        if problem:
            form.problems.append((line, f"the secret form field {name!r} (properties 'secret' with the legal "
                                        f"ground and 'secretRoles') {problem}"))
        else:
            prop[SECRECY_KEY] = {"ground": secret["ground"], "roles": secret["roles"]}
    required = readonly = False
    for constraint in node.xpath("./camunda:validation/camunda:constraint", namespaces=NS):
        what, config = constraint.get("name") or "", (constraint.get("config") or "").strip()
        try:
            if what == "required":
                required = True
            elif what == "readonly":
                readonly = True
            elif what in ("minlength", "maxlength") and kind in ("string", "enum"):
                prop["minLength" if what == "minlength" else "maxLength"] = int(config)
            elif what in ("min", "max") and kind == "long":
                prop["minimum" if what == "min" else "maximum"] = int(config)
            else:
                form.problems.append((constraint.sourceline, f"the constraint {what!r} is not supported on the "
                                      f"{kind} field {name!r} (supported: required, readonly, minlength/maxlength "
                                      "on text, min/max on long)"))
        except ValueError:
            form.problems.append((constraint.sourceline, f"the constraint {what!r} of {name!r} needs a "
                                  f"whole number, not {config!r}"))
    return name, prop, required, readonly


def form_from_form_data(task: etree._Element) -> GeneratedForm:
    element_id = task.get("id") or ""
    title = (task.get("name") or element_id).strip()
    form = GeneratedForm(name=generated_form_name(element_id), schema={})
    properties: dict[str, Any] = {}
    required: list[str] = []
    for node in task.xpath("./bpmn:extensionElements/camunda:formData/camunda:formField", namespaces=NS):
        made = _field(node, form)
        if made is None:
            continue
        name, prop, is_required, is_readonly = made
        if name in properties or name in form.readonly:
            form.problems.append((node.sourceline, f"the form field {name!r} appears twice"))
            continue
        if is_readonly:
            form.readonly.append(name)
            continue
        properties[name] = prop
        if is_required:
            required.append(name)
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title,
                              "type": "object", "properties": properties}
    if required:
        schema["required"] = required
    form.schema = schema
    return form


def forms_of_document(root: etree._Element) -> list[tuple[etree._Element, GeneratedForm]]:
    """A generated form for every user task with camunda:formData and no camunda:formKey."""
    made: list[tuple[etree._Element, GeneratedForm]] = []
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        if task.get(f"{_C}formKey") or not has_form_data(task):
            continue
        made.append((task, form_from_form_data(task)))
    collects: dict[str, list[str]] = {}
    for _, form in made:
        for name in form.schema["properties"]:
            collects.setdefault(name, []).append(form.name)
    for task, form in made:
        shown: list[str] = []
        for name in form.readonly:
            sources = [f for f in collects.get(name, []) if f != form.name]
            if not sources:
                form.problems.append((task.sourceline, f"the read-only field {name!r} is collected by no other "
                                      "form of this diagram, so there is nothing to show"))
            shown.extend(s for s in sources if s not in shown)
        if shown:
            form.schema["x-show"] = shown
    return made
