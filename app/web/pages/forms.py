"""A task's JSON Schema form as page fields, and posted form data back as typed task data.

Supported: boolean (radio Ja/Nej), enum (radio group, or a select when long; titles from
x-enum-titles), strings (x-widget textarea, format date/email), integer and number, and
attachments (x-widget attachment: a multiple file input; kept references travel in hidden
inputs). A field with x-comment-for is shown right under its boolean criterion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from app.web.i18n import translate

RADIO_LIMIT = 5
KEEP_SUFFIX = "__keep"


@dataclass
class Field:
    name: str
    kind: str  # boolean, radio, select, textarea, text, email, date, integer, number, attachment
    label: str
    description: str = ""
    required: bool = False
    required_when_no: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""
    error: str = ""
    maxlength: int | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    comments: list[Field] = field(default_factory=list)
    context: str = ""  # a comment field's criterion, so that "Explain why not" says about what

    @property
    def dom_id(self) -> str:
        return f"f-{self.name}"

    @property
    def error_id(self) -> str:
        return f"{self.dom_id}-error"

    @property
    def hint_id(self) -> str:
        return f"{self.dom_id}-hint"

    @property
    def is_group(self) -> bool:
        return self.kind in ("boolean", "radio")

    @property
    def first_input_id(self) -> str:
        """Where the error summary links to: the first radio of a group, or the input itself."""
        return f"{self.dom_id}-0" if self.is_group else self.dom_id

    @property
    def described_by(self) -> str:
        ids = [self.hint_id] if self.description else []
        if self.error:
            ids.append(self.error_id)
        return " ".join(ids)


def _text(prop: dict[str, Any], key: str, lang: str) -> str:
    if lang != "sv":
        text = prop.get("x-i18n", {}).get(lang, {}).get(key)
        if text:
            return str(text)
    return str(prop.get(key) or "")


def _enum_options(prop: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    values = [str(v) for v in prop.get("enum", [])]
    titles = prop.get("x-enum-titles", {})
    shown = titles.get(lang) or titles.get("sv") or values
    return [(v, str(shown[i]) if i < len(shown) else v) for i, v in enumerate(values)]


def _kind(prop: dict[str, Any]) -> str:
    kind = prop.get("type")
    if prop.get("x-widget") == "attachment" or kind == "array":
        return "attachment"
    if kind == "boolean":
        return "boolean"
    if "enum" in prop:
        return "radio" if len(prop["enum"]) <= RADIO_LIMIT else "select"
    if kind in ("integer", "number"):
        return str(kind)
    if prop.get("x-widget") == "textarea":
        return "textarea"
    if prop.get("format") in ("date", "email"):
        return str(prop["format"])
    return "text"


def ordered_names(schema: dict[str, Any]) -> list[str]:
    props = schema.get("properties", {})
    order = [n for n in schema.get("x-order", []) if n in props]
    return order + [n for n in props if n not in order]


def display_value(value: Any, prop: dict[str, Any], lang: str) -> str:
    """A submitted value as a person reads it: Ja/Nej, enum titles, text as typed."""
    if isinstance(value, bool):
        return translate("form.yes" if value else "form.no", lang)
    if "enum" in prop:
        return dict(_enum_options(prop, lang)).get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(str(v.get("filename", v)) if isinstance(v, dict) else str(v) for v in value)
    return "" if value is None else str(value)


def build_fields(schema: dict[str, Any], lang: str, raw: dict[str, str], errors: dict[str, str],
                 files: dict[str, list[dict[str, Any]]]) -> list[Field]:
    """The fields to render, in order, comment fields nested under their criterion."""
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    made: dict[str, Field] = {}
    for name in ordered_names(schema):
        prop = props[name]
        kind = _kind(prop)
        options = [("true", translate("form.yes", lang)), ("false", translate("form.no", lang))] \
            if kind == "boolean" else _enum_options(prop, lang)
        made[name] = Field(
            name=name, kind=kind, label=_text(prop, "title", lang) or name,
            description=_text(prop, "description", lang), required=name in required,
            required_when_no=bool(prop.get("x-comment-for")), options=options,
            value=raw.get(name, ""), error=errors.get(name, ""), maxlength=prop.get("maxLength"),
            files=files.get(name, []))
    top: list[Field] = []
    for name, item in made.items():
        owner = props[name].get("x-comment-for")
        if owner in made and made[owner].kind == "boolean":
            item.context = made[owner].label
            made[owner].comments.append(item)
        else:
            top.append(item)
    return top


def all_fields(fields: list[Field]) -> list[Field]:
    """Fields and their comment fields, flat, in page order (for the error summary)."""
    flat: list[Field] = []
    for item in fields:
        flat.append(item)
        flat.extend(item.comments)
    return flat


def raw_values(schema: dict[str, Any], form: MultiDict[str, str]) -> dict[str, str]:
    """What the user typed, as strings, to put back into the page."""
    return {name: form.get(name, "") for name in schema.get("properties", {})}


def _typed(value: str, prop: dict[str, Any]) -> Any:
    kind = prop.get("type")
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    if kind == "integer":
        try:
            return int(value.replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return value  # the schema check names the field
    if kind == "number":
        try:
            return float(value.replace(" ", "").replace(",", "."))
        except ValueError:
            return value
    return value


def parse_submission(schema: dict[str, Any], form: MultiDict[str, str]) -> dict[str, Any]:
    """Typed task data from the posted fields (attachments aside); empty strings count as missing."""
    data: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        if _kind(prop) == "attachment":
            continue
        value = form.get(name, "")
        if prop.get("x-widget") != "textarea":
            value = value.strip()
        if value.strip() == "":
            continue
        data[name] = _typed(value, prop)
    return data


def attachment_fields(schema: dict[str, Any]) -> list[str]:
    return [n for n, p in schema.get("properties", {}).items() if _kind(p) == "attachment"]


def kept_ids(form: MultiDict[str, str], name: str) -> list[int]:
    """Attachment ids carried over from an earlier attempt (checked against the case by the caller)."""
    ids = []
    for value in form.getlist(name + KEEP_SUFFIX):
        if value.isdigit():
            ids.append(int(value))
    return ids


def new_uploads(files: MultiDict[str, FileStorage], name: str) -> list[FileStorage]:
    return [f for f in files.getlist(name) if f and f.filename]
