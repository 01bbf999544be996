"""Earlier answers of a case, as a person reads them: the x-show panel of a task page and the case history.

Each answer is text, a list of uploaded files, a table (statistics, lists of objects) or a definition list
(nested objects); titles come from the form, amounts and dates are formatted (app/web/formatting.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.domain.visibility import CaseView, Masked
from app.engine.definitions import ProcessDefinition
from app.models import Attachment, Case, CaseEvent
from app.models.agreement import Agreement
from app.web import formatting
from app.web.context import db
from app.web.i18n import translate
from app.web.pages.common import definition_of, lang, schema_text
from app.web.pages.forms import display_value, ordered_names


@dataclass
class Answer:
    name: str
    title: str
    text: str
    files: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "text"  # text, files, table, pairs, secret (masked: the text names the legal ground)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AnswerGroup:
    title: str
    at: Any
    actor: str
    answers: list[Answer]


def statistic_units(case: Case) -> dict[str, str]:
    """label -> unit of the statistics the case's agreement names (plain strings have no unit)."""
    agreement = db().scalars(select(Agreement).where(Agreement.case_id == case.id)).first()
    units: dict[str, str] = {}
    for item in (agreement.statistics if agreement else []) or []:
        if isinstance(item, dict) and item.get("label"):
            units[str(item["label"])] = str(item.get("unit") or "")
    return units


def scalar_text(name: str, value: Any, prop: dict[str, Any]) -> str:
    """One value as text: kronor, dates, numbers, Ja/Nej and enum titles."""
    if value is None or value == "":
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return formatting.sek(value, lang()) if formatting.is_amount(name, prop) else formatting.number(value, lang())
    if isinstance(value, str) and (prop.get("format") in ("date", "date-time")):
        return formatting.day(value, lang())
    if isinstance(value, dict):
        return "; ".join(f"{k}: {scalar_text(k, v, {})}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(scalar_text(name, v, prop.get("items") or {}) for v in value)
    return display_value(value, prop, lang())


def _is_file_list(value: Any, prop: dict[str, Any]) -> bool:
    if prop.get("x-widget") == "attachment":
        return True
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, dict) and "id" in v and "filename" in v for v in value)


def _object_table(name: str, title: str, items: list[Any], prop: dict[str, Any]) -> Answer:
    item_schema = prop.get("items") or {}
    item_props = item_schema.get("properties") or {}
    keys = [k for k in ordered_names(item_schema) if any(isinstance(i, dict) and k in i for i in items)] \
        if item_props else []
    for item in items:
        keys += [k for k in (item if isinstance(item, dict) else {}) if k not in keys]
    columns = [schema_text(item_props.get(k), "title", k) for k in keys]
    rows = [[scalar_text(k, item.get(k), item_props.get(k) or {}) for k in keys]
            for item in items if isinstance(item, dict)]
    return Answer(name=name, title=title, text="", kind="table", columns=columns, rows=rows)


def _statistics_table(name: str, title: str, value: dict[str, Any], units: dict[str, str]) -> Answer:
    columns = [translate("answers.statistic"), translate("answers.value"), translate("answers.unit")]
    rows = [[str(label), formatting.number(v, lang()) if isinstance(v, (int, float)) else scalar_text(label, v, {}),
             units.get(str(label), "")] for label, v in value.items()]
    return Answer(name=name, title=title, text="", kind="table", columns=columns, rows=rows)


def describe_one(name: str, value: Any, prop: dict[str, Any], units: dict[str, str]) -> Answer:
    title = schema_text(prop, "title", name)
    if isinstance(value, Masked):
        return Answer(name=name, title=title, text=str(value), kind="secret")
    if _is_file_list(value, prop):
        files = [v for v in value if isinstance(v, dict) and "id" in v] if isinstance(value, list) else []
        return Answer(name=name, title=title, text="–" if not files else "", files=files, kind="files")
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return _object_table(name, title, value, prop)
    if isinstance(value, dict):
        sub_props = prop.get("properties") or {}
        if not sub_props and all(not isinstance(v, (dict, list)) for v in value.values()):
            return _statistics_table(name, title, value, units)
        pairs = [(schema_text(sub_props.get(k), "title", k), scalar_text(k, v, sub_props.get(k) or {}))
                 for k, v in value.items()]
        return Answer(name=name, title=title, text="", kind="pairs", pairs=pairs)
    if isinstance(value, list) and value and all(isinstance(v, dict) and "label" in v for v in value):
        return _object_table(name, title, value, prop)
    return Answer(name=name, title=title, text=scalar_text(name, value, prop))


def describe(schema: dict[str, Any] | None, values: dict[str, Any], units: dict[str, str] | None = None
             ) -> list[Answer]:
    """Each submitted value with its field title from the form, in the form's order."""
    props = (schema or {}).get("properties", {})
    names = [n for n in ordered_names(schema or {}) if n in values] + [n for n in values if n not in props]
    return [describe_one(name, values[name], props.get(name, {}), units or {}) for name in names]


def latest_submission(case: Case, form_name: str) -> CaseEvent | None:
    events = db().scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                  CaseEvent.kind == "task_completed")
                          .order_by(CaseEvent.at.desc(), CaseEvent.id.desc()))
    for event in events:
        if (event.data or {}).get("form") == form_name:
            return event
    return None


def shown_answers(case: Case, definition: ProcessDefinition, schema: dict[str, Any],
                  view: CaseView) -> list[AnswerGroup]:
    """The answers of the forms listed in the task form's x-show, latest submission of each, as far as the
    viewer may see them (app.domain.visibility)."""
    groups = []
    units = statistic_units(case)
    for form_name in schema.get("x-show", []):
        event = latest_submission(case, form_name)
        if event is None:
            continue
        form = definition.form(form_name)
        values = view.values(form_name, event.task_name, event.data.get("values", {}), event.id)
        if not values:
            continue  # nothing of that form is this viewer's to see
        groups.append(AnswerGroup(title=schema_text(form, "title", event.title), at=event.at,
                                  actor=event.actor_name, answers=describe(form, values, units)))
    return groups


def event_answers(case: Case, event: CaseEvent, data: dict[str, Any],
                  units: dict[str, str] | None = None) -> list[Answer]:
    """The answers of a submission; `data` is the event's data as the viewer sees it (CaseView.event_data)."""
    if event.kind != "task_completed":
        return []
    form = definition_of(case).form(data.get("form"))
    return describe(form, data.get("values", {}), units)


def case_attachments(case: Case, view: CaseView) -> list[Attachment]:
    """The case's files of the fields the viewer sees."""
    rows = db().scalars(select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id))
    return [row for row in rows if view.attachment_visible(row.field)]
