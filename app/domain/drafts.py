"""Drafts of task forms: what a person typed, saved without submitting ("Spara utkast"), to finish later.

Rules:
- A draft belongs to one task and one user. Nobody else sees it, not even a colleague of the same
  organisation or municipality who may work on the same task: each keeps their own draft, and whoever
  completes the task sends their own values. (A shared draft would let one person overwrite another's
  unsent work without either knowing.)
- Saving and discarding need the right to complete the task (app.domain.permissions.can_complete): the
  task's role where it lives, not claimed by someone else. Reading needs the task to be visible; the
  caller only ever gets their own draft.
- Nothing is required in a draft and values need not be valid yet (a half-typed number is kept as the
  text typed), but only the form's fields may be sent, each a value of the field's type or text, with
  the caps of start data (app.domain.start_data): text at most MAX_TEXT characters, lists at most
  MAX_ITEMS items, and the whole draft at most MAX_BYTES of JSON. Attachment fields hold references to
  files already stored on the case for that field.
- A draft goes with its task (ON DELETE CASCADE, app/models/draft.py): completing the task, by anyone,
  removes every draft of it; so does the task closing any other way.

Functions flush but never commit; the request that called them commits.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, Forbidden, InvalidData
from app.domain import attachments, permissions, task_actions
from app.domain.start_data import MAX_ITEMS, MAX_TEXT
from app.engine.form_paths import Step, path_name
from app.engine.runtime import CaseEngine
from app.i18n import translate
from app.i18n.formats import number
from app.models import Attachment, Case, OpenTask, User
from app.models.draft import TaskDraft

MAX_BYTES = 200_000  # the whole draft as JSON (a JSON request body is at most 256 kB)
MAX_DEPTH = 8
_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def _text(lang: str, key: str, **values: Any) -> str:
    return translate(key, lang, **values)


def own_draft(session: Session, user: User, task_id: str) -> TaskDraft | None:
    """The user's draft of the task (no permission check: the caller has checked the task)."""
    return session.scalars(select(TaskDraft).where(TaskDraft.task_id == task_id,
                                                   TaskDraft.user_id == user.id)).first()


def get(session: Session, user: User, task_id: str) -> tuple[OpenTask, TaskDraft | None]:
    """The task (404 when not visible, 409 when completed meanwhile) and the caller's own draft of it."""
    task = task_actions.open_task(session, user, task_id)
    return task, own_draft(session, user, task.id)


def _workable(session: Session, user: User, task_id: str) -> OpenTask:
    task = task_actions.open_task(session, user, task_id)
    if not permissions.is_potential_owner(user, task):
        raise Forbidden("your role cannot work on this task")
    if task.assignee_id not in (None, user.id):
        raise Conflict("someone else has claimed the task")
    return task


def save(session: Session, engine: CaseEngine, user: User, task_id: str, data: Any, now: datetime,
         lang: str = "en") -> TaskDraft:
    """Store (or replace) the caller's draft of the task; InvalidData names every field refused."""
    task = _workable(session, user, task_id)
    case = session.get(Case, task.case_id)
    assert case is not None
    schema = engine.definition(session, case.definition_id).form(task.form) or {}
    checked = check(session, case, schema, data, lang)
    draft = own_draft(session, user, task.id)
    if draft is None:
        draft = TaskDraft(task_id=task.id, user_id=user.id, data=checked, saved_at=now)
        session.add(draft)
    else:
        draft.data = checked
        draft.saved_at = now
    session.flush()
    return draft


def discard(session: Session, user: User, task_id: str) -> bool:
    """Remove the caller's draft of the task; False when there was none."""
    task = _workable(session, user, task_id)
    gone = session.execute(delete(TaskDraft).where(TaskDraft.task_id == task.id, TaskDraft.user_id == user.id))
    session.flush()
    return bool(getattr(gone, "rowcount", 0))


def check(session: Session, case: Case, schema: dict[str, Any], data: Any, lang: str = "en") -> dict[str, Any]:
    """The draft to store: the form's fields only, each of its type or text, within the caps."""
    if not isinstance(data, dict):
        raise InvalidData(_text(lang, "draft.not_object"), {"data": _text(lang, "draft.not_object")})
    props: dict[str, Any] = dict(schema.get("properties") or {})
    unknown = sorted(key for key in data if key not in props)
    if unknown:
        reason = _text(lang, "draft.unknown_field")
        raise InvalidData(_text(lang, "draft.unknown_fields", names=", ".join(unknown)),
                          dict.fromkeys(unknown, reason))
    try:
        size = len(json.dumps(data, ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):
        raise InvalidData(_text(lang, "draft.not_object"), {"data": _text(lang, "draft.not_object")}) from None
    if size > MAX_BYTES:
        message = _text(lang, "draft.too_large", kb=MAX_BYTES // 1000)
        raise InvalidData(message, {"data": message})
    problems: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        prop = _resolve(schema, props[key])
        if prop.get("x-widget") == "attachment":
            out[key] = _attachments(session, case, key, value, problems, lang)
        else:
            _walk(schema, value, prop, [key], problems, lang)
            out[key] = copy.deepcopy(value)
    if problems:
        raise InvalidData(_text(lang, "draft.refused", names=", ".join(sorted(problems))), problems)
    return out


def _resolve(schema: dict[str, Any], prop: Any) -> dict[str, Any]:
    """A property's schema, following one local `$ref` (#/$defs/X or #/definitions/X)."""
    if not isinstance(prop, dict):
        return {}
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = schema
        for step in ref[2:].split("/"):
            target = target.get(step) if isinstance(target, dict) else None
        if isinstance(target, dict):
            return {**target, **{k: v for k, v in prop.items() if k != "$ref"}}
    return prop


def _kinds(prop: dict[str, Any]) -> set[str]:
    kind = prop.get("type")
    if isinstance(kind, list):
        return {str(k) for k in kind}
    if isinstance(kind, str):
        return {kind}
    if "properties" in prop:
        return {"object"}
    if "items" in prop:
        return {"array"}
    return set()  # any type


def _walk(schema: dict[str, Any], value: Any, prop: dict[str, Any], path: list[Step],
          problems: dict[str, str], lang: str) -> None:
    name = path_name(path)
    if len(path) > MAX_DEPTH:
        problems[name] = _text(lang, "draft.too_deep")
        return
    if value is None:
        return
    kinds = _kinds(prop)
    kind = _TYPES.get(type(value), "")
    accepted = not kinds or kind in kinds or kind == "string" or (kind == "integer" and "number" in kinds)
    if not accepted:
        problems[name] = _text(lang, "draft.wrong_type")
        return
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            problems[name] = _text(lang, "draft.too_long", max=number(MAX_TEXT, lang))
        elif "\x00" in value:
            problems[name] = _text(lang, "draft.bad_character")
    elif isinstance(value, list):
        if len(value) > MAX_ITEMS:
            problems[name] = _text(lang, "draft.too_many", max=MAX_ITEMS)
            return
        items = _resolve(schema, prop.get("items"))
        for index, item in enumerate(value):
            _walk(schema, item, items, [*path, index], problems, lang)
    elif isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            problems[name] = _text(lang, "draft.too_many", max=MAX_ITEMS)
            return
        found = prop.get("properties")
        inner: dict[str, Any] = found if isinstance(found, dict) else {}
        extra = prop.get("additionalProperties", True)
        for key, item in value.items():
            if key in inner:
                _walk(schema, item, _resolve(schema, inner[key]), [*path, key], problems, lang)
            elif extra is False and inner:
                problems[path_name([*path, key])] = _text(lang, "draft.unknown_field")
            else:
                _walk(schema, item, _resolve(schema, extra) if isinstance(extra, dict) else {},
                      [*path, key], problems, lang)


def _attachments(session: Session, case: Case, key: str, value: Any, problems: dict[str, str],
                 lang: str) -> list[dict[str, object]]:
    """References to files already stored on the case for this field, rebuilt from the stored rows."""
    if value in (None, []):
        return []
    if not isinstance(value, list) or len(value) > MAX_ITEMS or not all(
            isinstance(v, dict) and isinstance(v.get("id"), int) and not isinstance(v.get("id"), bool)
            for v in value):
        problems[key] = _text(lang, "draft.bad_attachment")
        return []
    ids = [v["id"] for v in value]
    rows = {row.id: row for row in session.scalars(select(Attachment).where(
        Attachment.case_id == case.id, Attachment.field == key, Attachment.id.in_(ids)))}
    if set(ids) - set(rows):
        problems[key] = _text(lang, "draft.bad_attachment")
        return []
    return [attachments.reference(rows[i]) for i in dict.fromkeys(ids)]


def as_form(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Draft values as a browser would post them (names like parties[0][name]), to put back into the page.

    Booleans as "true"/"false", whole numbers without decimals, other numbers with a decimal comma;
    attachment references are left out (the page shows them as kept files)."""
    out: list[tuple[str, str]] = []

    def add(path: list[Step], value: Any) -> None:
        if isinstance(value, bool):
            out.append((path_name(path), "true" if value else "false"))
        elif isinstance(value, float):
            text = str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
            out.append((path_name(path), text))
        elif isinstance(value, dict):
            if "id" in value and "filename" in value:
                return
            for key, item in value.items():
                add([*path, key], item)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                add([*path, index], item)
        elif value is not None:
            out.append((path_name(path), str(value)))

    for key, value in data.items():
        add([key], value)
    return out
