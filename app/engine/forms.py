"""Validate task data against a form's JSON Schema; one plain message per field, Swedish or English.

Messages are keyed by the field's place (app.engine.form_paths: `parties[1][org_number]`), so the
task page puts each next to its input and the API returns the same keys. The texts are the
`validation.*` texts of the catalogues (app.i18n).

Beyond JSON Schema: `x-not-before` (a date not before another field's) and `x-keys-from` (an
object holding exactly the named numbers listed in the task's data, see app.engine.form_keys);
the latter is checked only when the caller passes the task's data as `context`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.exceptions import Unresolvable

from app.core.errors import InvalidData
from app.engine.form_keys import KEYS_FROM, keys_for
from app.engine.form_paths import Step, path_name
from app.i18n import texts_under

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FORMATS = FormatChecker()

# An empty registry resolves only references inside the form itself; without it jsonschema would
# fetch a "$ref" URL over the network while validating a request.
_LOCAL_ONLY: Registry[Any] = Registry()


@_FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


@_FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if isinstance(value, str):
        date.fromisoformat(value)
    return True


@lru_cache(maxsize=4)
def messages(lang: str) -> dict[str, str]:
    """The `validation.*` texts of a language (without the prefix), Swedish for anything missing."""
    return texts_under("validation.", lang)


def _title_of(prop: Mapping[str, Any], fallback: str, lang: str) -> str:
    if lang != "sv":
        title = (prop.get("x-i18n") or {}).get(lang, {}).get("title")
        if title:
            return str(title)
    return str(prop.get("title") or fallback)


def field_title(schema: dict[str, Any], field: str, lang: str) -> str:
    return _title_of(schema.get("properties", {}).get(field, {}), field, lang)


def _order(error: Any) -> list[tuple[int, int, str]]:
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def validate_form(schema: dict[str, Any], validator: Draft202012Validator, data: Any,
                  lang: str = "sv", context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the cleaned data or raise InvalidData with one message per field.

    `context` is the task's data (what the case knows when the task is completed); with it the
    `x-keys-from` objects are checked against the list the data names."""
    msgs = messages(lang)
    if not isinstance(data, dict):
        raise InvalidData(msgs["summary"], {"data": msgs["invalid"]})
    # a field holding only spaces is not filled in, as on the task page: a required reason of "   " is missing
    data = {key: value for key, value in data.items() if not (isinstance(value, str) and value and not value.strip())}
    props = schema.get("properties", {})
    fields: dict[str, str] = {}
    for key in data:
        if key not in props:
            fields[str(key)] = msgs["unknown"].format(field=key)
    checked = Draft202012Validator(validator.schema, format_checker=_FORMATS, registry=_LOCAL_ONLY)
    try:
        errors = sorted(checked.iter_errors(data), key=_order)
    except Unresolvable as exc:
        raise InvalidData(f"the task's form refers to a schema that cannot be found: {exc}",
                          {"data": msgs["invalid"]}) from exc
    for error in errors:
        path, message = _describe(error, schema, msgs, lang)
        fields.setdefault(path_name(path), message)
    for key, prop in props.items():
        other = prop.get("x-not-before")
        if other and isinstance(data.get(key), str) and isinstance(data.get(other), str):
            try:
                if date.fromisoformat(data[key]) < date.fromisoformat(data[other]):
                    fields.setdefault(key, msgs["not_before"].format(other=field_title(schema, other, lang)))
            except ValueError:
                pass
        if KEYS_FROM in prop and context is not None:
            _check_keys(key, prop, data, context, fields, msgs)
    if fields:
        raise InvalidData(msgs["summary"], fields)
    return {k: v for k, v in data.items() if k in props}


def _check_keys(key: str, prop: Mapping[str, Any], data: Mapping[str, Any], context: Mapping[str, Any],
                fields: dict[str, str], msgs: dict[str, str]) -> None:
    """The object holds exactly the named numbers the case's data lists: others refused, missing ones named."""
    wanted = keys_for(prop, context)
    value = data.get(key)
    if wanted is None or not isinstance(value, Mapping):
        return
    labels = [n.label for n in wanted]
    for extra in value:
        if extra not in labels:
            fields.setdefault(path_name([key, str(extra)]),
                              msgs["key_unknown"].format(key=extra, known=", ".join(labels) or "–"))
    for label in labels:
        if label not in value:
            fields.setdefault(path_name([key, label]), msgs["key_missing"].format(key=label))


def _missing(error: Any) -> list[str]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    return [name for name in error.validator_value if name not in instance] \
        if isinstance(error.validator_value, list) else []


def _required_message(sub: Mapping[str, Any], msgs: dict[str, str]) -> str:
    kinds = sub.get("type")
    if kinds == "boolean":
        return msgs["required_boolean"]
    if "enum" in sub:
        return msgs["required_radio"]
    if kinds == "array" and sub.get("x-widget") != "attachment":
        return msgs["required_list"]
    return msgs["required"]


def _schema_at(root: Mapping[str, Any], path: list[Step]) -> Mapping[str, Any]:
    """The schema of the value at `path` (properties and items only; {} when it cannot be followed)."""
    current: Any = root
    for step in path:
        if not isinstance(current, Mapping):
            return {}
        if isinstance(step, int):
            current = current.get("items")
        else:
            current = (current.get("properties") or {}).get(step)
    return current if isinstance(current, Mapping) else {}


def _describe(error: Any, root: Mapping[str, Any], msgs: dict[str, str], lang: str) -> tuple[list[Step], str]:
    path: list[Step] = list(error.absolute_path)
    kind = error.validator
    if kind == "required":
        # jsonschema reports each missing property as its own error ("'x' is a required property")
        missing = [n for n in _missing(error) if error.message.startswith(repr(n))] or _missing(error) or ["data"]
        return [*path, missing[0]], _required_message(_schema_at(root, [*path, missing[0]]), msgs)
    if kind == "dependentRequired":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        for trigger, needed in (error.validator_value or {}).items():
            if trigger in instance:
                for name in needed:
                    if name not in instance:
                        other = _title_of(_schema_at(root, [*path, trigger]), trigger, lang)
                        return [*path, name], msgs["required_because"].format(other=other)
        return path, msgs["invalid"]
    if kind == "additionalProperties":
        extras = re.findall(r"'([^']+)' (?:was|were) unexpected", error.message)
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        known = set((error.schema or {}).get("properties") or {})
        extra = next((k for k in instance if k not in known), extras[0] if extras else "")
        return [*path, extra], msgs["unknown"].format(field=extra)
    if kind == "type":
        expected = error.validator_value
        if isinstance(expected, list):
            expected = expected[0] if expected else "string"
        return path, msgs.get(f"type_{expected}", msgs["invalid"])
    if kind == "format":
        return path, msgs.get(f"format_{error.validator_value}", msgs["invalid"])
    if kind == "pattern":
        examples = (error.schema or {}).get("examples")
        if isinstance(examples, list) and examples and isinstance(examples[0], str):
            return path, msgs["pattern_example"].format(example=examples[0])
        return path, msgs["pattern"]
    if kind == "minItems":
        return path, (msgs["minItems_one"] if error.validator_value == 1
                      else msgs["minItems"].format(limit=error.validator_value))
    if kind == "maxItems":
        files = (error.schema or {}).get("x-widget") == "attachment"
        return path, msgs["maxItems_files" if files else "maxItems"].format(limit=error.validator_value)
    if kind in ("maxLength", "minLength", "minimum", "maximum"):
        return path, msgs[kind].format(limit=error.validator_value)
    if kind in ("exclusiveMinimum", "exclusiveMaximum"):
        return path, msgs["minimum" if kind == "exclusiveMinimum" else "maximum"].format(limit=error.validator_value)
    if kind in ("enum", "const"):
        return path, msgs["enum"]
    if kind == "uniqueItems":
        return path, msgs["uniqueItems"]
    return path, msgs["invalid"]
