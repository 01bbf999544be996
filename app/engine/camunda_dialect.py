"""The Camunda dialect of a BPMN document, made runnable on our engine (see docs/architecture.md).

`normalise` runs on every document before SpiffWorkflow parses it (app.engine.parser): it rewrites
Camunda-style conditions and timer values into our safe expression language in place, and
returns one problem per thing of the Camunda dialect that we cannot run as drawn, naming the file,
line and element. Whether an element speaks Camunda is decided per element (its `camunda:`
attributes and extension elements, or `${...}` text), so one document may mix both dialects.

`bundle_forms` is the hook of `parse_bundle`: it adds a JSON Schema form for every user task
drawn with `camunda:formData` (app.engine.camunda_forms).
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from app.core.errors import Problem
from app.core.roles import role_for_lane
from app.engine.camunda_expressions import (
    DialectError,
    bare_iso_kind,
    mentions_juel,
    translate_condition,
    translate_expression,
    translate_timer,
)
from app.engine.camunda_forms import forms_of_document, generated_form_name
from app.engine.camunda_services import is_camunda_service, service_call
from app.engine.validation.forms import form_problems

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
_C = f"{{{CAMUNDA_NS}}}"
_B = f"{{{BPMN_NS}}}"
_CONDITION_TAGS = ("conditionExpression", "condition", "completionCondition", "loopCondition")
_TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")
_SCRIPT_FORMATS = ("", "python", "text/x-python")


def problem(filename: str | None, at: etree._Element, owner: etree._Element, message: str,
            code: str = "camunda_dialect", line: int | None = None) -> Problem:
    """A problem placed on the file, the line of `at` and the element `owner` (id and name)."""
    name = owner.get("name")
    return Problem(file=filename or "", message=message, line=line or at.sourceline, element_id=owner.get("id"),
                   element_name=name.strip() if name else None, code=code)


def is_camunda(node: etree._Element) -> bool:
    """Whether the element itself is written in the Camunda dialect."""
    if any(isinstance(key, str) and key.startswith(_C) for key in node.attrib):
        return True
    return any(isinstance(child.tag, str) and child.tag.startswith(_C)
               for ext in node.findall(f"{_B}extensionElements") for child in ext)


def roles_for_groups(text: str | None) -> tuple[list[str], list[str]]:
    """camunda:candidateGroups as (our roles, in order, once each; group names that are no role)."""
    roles: list[str] = []
    unknown: list[str] = []
    for group in (text or "").split(","):
        name = group.strip()
        if not name:
            continue
        role = role_for_lane(name)
        if role is None:
            unknown.append(name)
        elif role not in roles:
            roles.append(role)
    return roles, unknown


def _owner(node: etree._Element) -> etree._Element:
    """The nearest element with an id: the flow or event a condition or timer belongs to."""
    current: etree._Element | None = node
    while current is not None and not current.get("id"):
        current = current.getparent()
    return current if current is not None else node


def _rewrite_expressions(root: etree._Element, say: Any) -> None:
    for tag in _CONDITION_TAGS:
        for node in root.iter(f"{_B}{tag}"):
            owner = _owner(node)
            language = (node.get("language") or "").strip().lower()
            if language and language not in ("python", "juel", "text/x-python"):
                say(node, owner, f"conditions in {language!r} are not supported; write ${{...}} or our expressions",
                    "camunda_condition")
                continue
            try:
                node.text = translate_condition(node.text)
            except DialectError as exc:
                say(node, owner, f"the condition cannot be translated: {exc}", "camunda_condition")
    for tag in _TIMER_TAGS:
        for node in root.iter(f"{_B}{tag}"):
            try:
                node.text = translate_timer(node.text, tag)
            except DialectError as exc:
                say(node, _owner(node), f"the timer value cannot be used: {exc}", "camunda_timer")


def _check_user_task(node: etree._Element, say: Any) -> None:
    roles, unknown = roles_for_groups(node.get(f"{_C}candidateGroups"))
    if unknown:
        say(node, node, f"camunda:candidateGroups names {', '.join(repr(u) for u in unknown)}, which is no role; "
                        "use organisation, lawyer, officer, board, finance, process_owner or admin "
                        "(or a Swedish name such as handläggare, jurist, nämnd, ekonomi)", "camunda_role")
    if len(roles) > 1:
        say(node, node, f"camunda:candidateGroups maps to several roles ({', '.join(roles)}); a task belongs to "
                        "one role here", "camunda_role")
    if node.get(f"{_C}candidateUsers"):
        say(node, node, "camunda:candidateUsers is not supported; use camunda:candidateGroups or camunda:assignee",
            "camunda_role")
    assignee = node.get(f"{_C}assignee")
    if assignee is not None:
        try:
            if mentions_juel(assignee):
                translate_expression(assignee)
            elif not assignee.strip() or any(c.isspace() for c in assignee.strip()):
                raise DialectError(f"{assignee!r} is not a user name")
        except DialectError as exc:
            say(node, node, f"camunda:assignee: {exc}", "camunda_assignee")
    due = node.get(f"{_C}dueDate")
    if due is not None:
        try:
            if mentions_juel(due):
                translate_expression(due)
            elif bare_iso_kind(due) not in ("date", "duration"):
                raise DialectError(f"{due!r} is no ISO 8601 date, date-time or duration")
        except DialectError as exc:
            say(node, node, f"camunda:dueDate: {exc}", "camunda_due_date")


def _check_element(node: etree._Element, say: Any) -> None:
    tag = node.tag[len(_B):]
    if tag == "userTask":
        _check_user_task(node, say)
    elif tag == "serviceTask" and is_camunda_service(node) and not node.xpath(
            "./bpmn:extensionElements/*[local-name()='serviceTaskOperator']", namespaces=NS):
        try:
            service_call(node)  # whether its handler exists is checked on the parsed spec (validation.specs)
        except DialectError as exc:
            say(node, node, str(exc), "camunda_service")
    elif tag == "scriptTask":
        script_format = (node.get("scriptFormat") or "").strip().lower()
        if script_format not in _SCRIPT_FORMATS:
            say(node, node, f"scripts in {script_format!r} are not supported; scripts run as restricted Python")
        if node.get(f"{_C}resource"):
            say(node, node, "external script resources are not supported; write the script into the diagram")
    for listener in node.xpath("./bpmn:extensionElements/camunda:executionListener"
                               " | ./bpmn:extensionElements/camunda:taskListener", namespaces=NS):
        say(listener, node, f"{etree.QName(listener).localname} is not supported: the engine would not run it",
            "camunda_listener")


def normalise(root: etree._Element, filename: str | None = None) -> list[Problem]:
    """Rewrite Camunda conditions and timers in place; return the problems of the Camunda dialect."""
    problems: list[Problem] = []

    def say(at: etree._Element, owner: etree._Element, message: str, code: str = "camunda_dialect") -> None:
        problems.append(problem(filename, at, owner, message, code))

    _rewrite_expressions(root, say)
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith(_B) or not node.get("id"):
            continue
        if is_camunda(node) or node.tag == f"{_B}scriptTask":
            _check_element(node, say)
    return problems


def bundle_forms(root: etree._Element, filename: str, forms: dict[str, dict[str, Any]]) -> list[Problem]:
    """Add the forms generated from camunda:formData to `forms`; return their problems.

    A generated form goes through the checks of a form file (app.engine.validation.forms); its
    problems are placed on the user task that draws it."""
    problems: list[Problem] = []
    for task, form in forms_of_document(root):
        if form.name in forms:
            problems.append(problem(filename, task, task, f"a form file named {form.name!r} clashes with the "
                                                          "task's camunda:formData", "camunda_form"))
            continue
        problems.extend(problem(filename, task, task, message, "camunda_form", line) for line, message in form.problems)
        _, found = form_problems(form.name, json.dumps(form.schema, ensure_ascii=False))
        problems.extend(problem(filename, task, task, f"the form drawn as camunda:formData: {p.message}", p.code)
                        for p in found)
        forms[form.name] = form.schema
    return problems


__all__ = ["bundle_forms", "generated_form_name", "is_camunda", "normalise", "problem", "roles_for_groups"]
