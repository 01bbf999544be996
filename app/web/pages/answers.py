"""Earlier answers of a case, as titled values: the x-show panel of a task page and the case history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.engine.definitions import ProcessDefinition
from app.models import Attachment, Case, CaseEvent
from app.web.context import db
from app.web.pages.common import definition_of, lang, schema_text
from app.web.pages.forms import display_value, ordered_names


@dataclass
class Answer:
    name: str
    title: str
    text: str
    files: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AnswerGroup:
    title: str
    at: Any
    actor: str
    answers: list[Answer]


def describe(schema: dict[str, Any] | None, values: dict[str, Any]) -> list[Answer]:
    """Each submitted value with its field title from the form, in the form's order."""
    props = (schema or {}).get("properties", {})
    names = [n for n in ordered_names(schema or {}) if n in values] + [n for n in values if n not in props]
    result = []
    for name in names:
        value = values[name]
        prop = props.get(name, {})
        title = schema_text(prop, "title", name)
        files = [v for v in value if isinstance(v, dict) and "id" in v] if isinstance(value, list) else []
        result.append(Answer(name=name, title=title, text=display_value(value, prop, lang()), files=files))
    return result


def latest_submission(case: Case, form_name: str) -> CaseEvent | None:
    events = db().scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                  CaseEvent.kind == "task_completed")
                          .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()))
    for event in events:
        if (event.data or {}).get("form") == form_name:
            return event
    return None


def shown_answers(case: Case, definition: ProcessDefinition, schema: dict[str, Any]) -> list[AnswerGroup]:
    """The answers of the forms listed in the task form's x-show, latest submission of each."""
    groups = []
    for form_name in schema.get("x-show", []):
        event = latest_submission(case, form_name)
        if event is None:
            continue
        form = definition.form(form_name)
        groups.append(AnswerGroup(title=schema_text(form, "title", event.title), at=event.at,
                                  actor=event.actor_name, answers=describe(form, event.data.get("values", {}))))
    return groups


def event_answers(case: Case, event: CaseEvent) -> list[Answer]:
    if event.kind != "task_completed":
        return []
    form = definition_of(case).form(event.data.get("form"))
    return describe(form, event.data.get("values", {}))


def case_attachments(case: Case) -> list[Attachment]:
    return list(db().scalars(select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)))
