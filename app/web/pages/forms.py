"""A task's JSON Schema form as page fields, and posted form data back as typed task data.

The fields are built by app.web.pages.form_fields (lists of rows, nested objects, named numbers,
conditions, prefill and defaults) and parsed back by app.web.pages.form_parse; this module is what
the task page uses. Attachments (x-widget attachment: a multiple file input) keep the files of an
earlier attempt in hidden inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from app.models import Case, User
from app.web.i18n import translate
from app.web.pages import form_parse
from app.web.pages.form_fields import Build, Field, build_object, enum_options, flat, initial_raw, ordered_names

__all__ = ["Field", "ordered_names", "display_value", "build_fields", "all_fields", "raw_values",
           "parse_submission", "row_action", "RowAction", "initial_values", "known_values",
           "attachment_fields", "kept_ids", "new_uploads"]

KEEP_SUFFIX = "__keep"


def display_value(value: Any, prop: dict[str, Any], lang: str) -> str:
    """A submitted value as a person reads it: Ja/Nej, enum titles, text as typed."""
    if isinstance(value, bool):
        return translate("form.yes" if value else "form.no", lang)
    if "enum" in prop:
        return dict(enum_options(prop, lang)).get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(str(v.get("filename", v)) if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


def build_fields(schema: dict[str, Any], lang: str, raw: dict[str, str], errors: dict[str, str],
                 files: dict[str, list[dict[str, Any]]], context: dict[str, Any] | None = None,
                 focus: str | None = None, notice: tuple[str, str] | None = None) -> list[Field]:
    """The fields to render, in order (groups hold their rows and fields).

    `context` is the task's data (the names of named numbers); `focus` the row just added and
    `notice` the list a row button changed, with what to say about it."""
    return build_object(Build(lang, raw, errors, files, context or {}, focus, notice), schema, [])


def all_fields(fields: list[Field]) -> list[Field]:
    """Every field, nested ones included, flat in page order (for the error summary)."""
    return flat(fields)


def known_values(me: User, case: Case | None) -> dict[str, str]:
    """What the system knows for `x-prefill`: the user, and the user's (else the case's) organisation."""
    org = me.organisation or (case.organisation if case is not None else None)
    known = {"user.name": me.display_name or "", "user.email": me.email or ""}
    if org is not None:
        known.update({"organisation.name": org.name, "organisation.org_number": org.org_number,
                      "organisation.email": org.email or ""})
    return known


def initial_values(schema: dict[str, Any], known: dict[str, str]) -> dict[str, str]:
    """The inputs of a fresh form: prefill, else the schema's defaults."""
    return initial_raw(schema, known)


def raw_values(schema: dict[str, Any], form: MultiDict[str, str]) -> dict[str, str]:
    """What the user typed, as strings by input name, completely empty rows dropped (see form_parse)."""
    return form_parse.compact(schema, form_parse.raw_values(form))


def parse_submission(schema: dict[str, Any], form: MultiDict[str, str]) -> dict[str, Any]:
    """Typed, nested task data from the posted fields (attachments aside); empty means missing."""
    return form_parse.parse(schema, raw_values(schema, form))


@dataclass
class RowAction:
    raw: dict[str, str]
    focus: str | None  # the row added
    notice: tuple[str, str] | None  # (list name, what happened)


def row_action(schema: dict[str, Any], form: MultiDict[str, str], lang: str) -> RowAction | None:
    """An "add row" / "remove row" button pressed without JavaScript: the page again with the change."""
    raw = form_parse.raw_values(form)
    added = form.get(form_parse.ADD)
    if added is not None:
        changed, row = form_parse.add_row(schema, raw, added)
        return RowAction(changed, row, (added, translate("forms.row_added", lang)) if row else None)
    removed = form.get(form_parse.REMOVE)
    if removed is not None:
        changed, done = form_parse.remove_row(schema, raw, removed)
        owner = removed.rsplit("[", 1)[0]
        return RowAction(changed, None, (owner, translate("forms.row_removed", lang)) if done else None)
    return None


def attachment_fields(schema: dict[str, Any]) -> list[str]:
    return [n for n, p in (schema.get("properties") or {}).items()
            if isinstance(p, dict) and form_parse.is_attachment(p)]


def kept_ids(form: MultiDict[str, str], name: str) -> list[int]:
    """Attachment ids carried over from an earlier attempt (checked against the case by the caller)."""
    ids = []
    for value in form.getlist(name + KEEP_SUFFIX):
        if value.isdigit():
            ids.append(int(value))
    return ids


def new_uploads(files: MultiDict[str, FileStorage], name: str) -> list[FileStorage]:
    return [f for f in files.getlist(name) if f and f.filename]
