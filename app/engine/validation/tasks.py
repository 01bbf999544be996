"""Checks on the people's side of a diagram: lanes that map to roles, user tasks and their forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.errors import Problem
from app.core.roles import ROLE_TITLES, Role
from app.engine.elements import ElementInfo
from app.engine.field_rules import field_rule, visible_to_party_from_start
from app.engine.task_notice import NOTICE_FROM, notice_path_problem
from app.engine.validation.documents import Document, display_name, is_bpmn
from app.models.register import DocumentKind

FORM_PROPERTY_NAMES = ("formJsonSchemaFilename", "formKey", "form")
HUMAN_TAGS = {"userTask", "manualTask", "task"}
# what a user task's `registerAs` may name: the document its completion registers (app.domain.register)
DOCUMENT_KINDS = {str(kind) for kind in DocumentKind} - {DocumentKind.UPLOAD, DocumentKind.MAIL}


def form_key(name: str) -> str:
    base = Path(name).name
    return base[:-5] if base.endswith(".json") else base


def form_reference(info: ElementInfo) -> str | None:
    return next((info.properties[p] for p in FORM_PROPERTY_NAMES if info.properties.get(p)), None)


def _role_names() -> str:
    return ", ".join(f"'{titles['en']}'" for titles in ROLE_TITLES.values())


def task_problems(documents: list[Document], elements: dict[str, ElementInfo], element_file: dict[str, str],
                  forms: dict[str, dict[str, Any]]) -> list[Problem]:
    problems = []
    by_name = {doc.name: doc for doc in documents}
    unmapped_lanes: dict[tuple[str, str], list[ElementInfo]] = {}
    form_roles = _form_roles(elements)
    for info in elements.values():
        file = element_file.get(info.id, "")
        doc = by_name.get(file)
        node = doc.by_id.get(info.id) if doc is not None else None
        name = display_name(node) if node is not None else info.name

        def problem(message: str, code: str, info: ElementInfo = info, file: str = file,
                    name: str | None = name) -> Problem:
            return Problem(file=file, line=info.line, element_id=info.id, element_name=name, message=message,
                           code=code)

        if info.tag in HUMAN_TAGS and info.role is None and info.lane:
            unmapped_lanes.setdefault((file, info.lane), []).append(info)
        feedback = info.properties.get("feedbackField")
        if feedback and info.tag != "userTask" and _secret_anywhere(forms, feedback):
            problems.append(problem(f"the feedbackField '{feedback}' sends a secret field to the organisation: "
                                    "a secret value is never fed back", "feedback_secret"))
        notice = info.properties.get(NOTICE_FROM)
        if notice is not None:
            problems.extend(problem(message, code) for message, code in
                            _notice_problems(info, notice.strip(), forms, form_roles))
        if info.tag != "userTask":
            continue
        register_as = info.properties.get("registerAs")
        if register_as is not None and register_as not in DOCUMENT_KINDS:
            problems.append(problem(f"registerAs '{register_as}' is not a kind of document: use one of "
                                    f"{', '.join(sorted(DOCUMENT_KINDS))}", "register_as_unknown"))
        form = form_reference(info)
        if form is None:
            problems.append(problem("the user task has no form: give it the property formJsonSchemaFilename "
                                    "naming a JSON Schema file of the bundle", "form_missing"))
        elif form_key(form) not in forms:
            problems.append(problem(f"the user task refers to the form '{form}', which is not in the bundle",
                                    "form_not_in_bundle"))
        elif feedback and not visible_to_party_from_start(forms[form_key(form)], feedback, info.role):
            problems.append(problem(f"the feedbackField '{feedback}' reaches the organisation as soon as the task "
                                    "is completed, but the form does not show that field to the party: give it "
                                    "\"x-visibility\": \"party\" (and no \"x-secret\")", "feedback_not_party"))
        if info.role is None and not info.lane and not getattr(info, "candidate_groups", None):
            problems.append(problem("the user task lies in no lane, so no role can work on it: put it in a lane "
                                    f"named after a role ({_role_names()})", "task_without_lane"))
    for (file, lane), infos in unmapped_lanes.items():
        doc = by_name.get(file)
        node = _lane_node(doc, lane) if doc is not None else None
        tasks = ", ".join(f"'{i.name}'" for i in infos[:3]) + (" and more" if len(infos) > 3 else "")
        problems.append(Problem(
            file=file, line=node.sourceline if node is not None else None,
            element_id=node.get("id") if node is not None else None,
            element_name=display_name(node) if node is not None else lane, code="lane_without_role",
            message=f"the lane '{lane}' maps to no role, so no one could work on {tasks}: name the lane after a "
                    f"role ({_role_names()}; Swedish names such as 'Handläggare' work too)"))
    return problems


def _form_roles(elements: dict[str, ElementInfo]) -> dict[str, set[str | None]]:
    """The roles of the user tasks that show each form (a form's default visibility depends on them)."""
    roles: dict[str, set[str | None]] = {}
    for info in elements.values():
        form = form_reference(info) if info.tag == "userTask" else None
        if form:
            roles.setdefault(form_key(form), set()).add(info.role)
    return roles


def _notice_problems(info: ElementInfo, path: str, forms: dict[str, dict[str, Any]],
                     form_roles: dict[str, set[str | None]]) -> list[tuple[str, str]]:
    """What is wrong with a noticeFrom value (app.engine.task_notice): not on a person's task, not a path of
    names, or a field whose text the task's people may not read (a secret field; for the organisation's task,
    a form field not shown to the party)."""
    if info.tag not in HUMAN_TAGS:
        return [("noticeFrom only works on a user task: the notice is shown above the task's form",
                 "notice_not_on_task")]
    malformed = notice_path_problem(path)
    if malformed is not None:
        return [(malformed, "notice_path")]
    field = path.split(".", 1)[0]
    if _secret_anywhere(forms, field):
        return [(f"the noticeFrom field '{field}' is secret: a secret value is never shown as a notice",
                 "notice_secret")]
    if info.role == Role.ORGANISATION:
        hidden = [key for key, schema in forms.items() if field in (schema.get("properties") or {})
                  and not all(visible_to_party_from_start(schema, field, role)
                              for role in form_roles.get(key, {None}))]
        if hidden:
            return [(f"the noticeFrom field '{field}' is shown to the organisation on this task, but the form "
                     f"'{hidden[0]}' does not show that field to the party: give it \"x-visibility\": "
                     "\"party\" or point at a field that no form keeps from the party", "notice_not_party")]
    return []


def _secret_anywhere(forms: dict[str, dict[str, Any]], name: str) -> bool:
    return any(field_rule(schema, name, None).secret is not None for schema in forms.values())


def _lane_node(doc: Document, lane: str) -> Any:
    for node in doc.root.iter():
        if is_bpmn(node, "lane") and (node.get("name") or node.get("id") or "") == lane:
            return node
    return None
