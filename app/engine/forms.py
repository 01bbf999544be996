"""Validate task data against a form's JSON Schema; messages per field, in Swedish or English."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.exceptions import Unresolvable

from app.engine.errors import InvalidData

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


MESSAGES = {
    "sv": {
        "required": "Fyll i det här fältet.",
        "type_boolean": "Välj ja eller nej.",
        "type_integer": "Skriv ett heltal.",
        "type_number": "Skriv ett tal.",
        "type_string": "Skriv text här.",
        "type_array": "Ogiltigt värde.",
        "enum": "Välj ett av alternativen.",
        "format_email": "Skriv en giltig e-postadress, till exempel namn@exempel.se.",
        "format_date": "Skriv ett datum som ÅÅÅÅ-MM-DD.",
        "maxLength": "Texten är för lång (högst {limit} tecken).",
        "minLength": "Fyll i det här fältet.",
        "minimum": "Värdet måste vara minst {limit}.",
        "maximum": "Värdet får vara högst {limit}.",
        "maxItems": "Högst {limit} filer.",
        "not_before": "Datumet får inte vara före {other}.",
        "unknown": "Fältet {field} finns inte i formuläret.",
        "invalid": "Ogiltigt värde.",
        "summary": "Formuläret innehåller fel. Rätta de markerade fälten.",
    },
    "en": {
        "required": "Please fill in this field.",
        "type_boolean": "Choose yes or no.",
        "type_integer": "Enter a whole number.",
        "type_number": "Enter a number.",
        "type_string": "Enter text here.",
        "type_array": "Invalid value.",
        "enum": "Choose one of the options.",
        "format_email": "Enter a valid e-mail address, for example name@example.com.",
        "format_date": "Enter a date as YYYY-MM-DD.",
        "maxLength": "The text is too long (at most {limit} characters).",
        "minLength": "Please fill in this field.",
        "minimum": "The value must be at least {limit}.",
        "maximum": "The value may be at most {limit}.",
        "maxItems": "At most {limit} files.",
        "not_before": "The date may not be before {other}.",
        "unknown": "The field {field} is not part of the form.",
        "invalid": "Invalid value.",
        "summary": "The form has errors. Correct the marked fields.",
    },
}


def field_title(schema: dict[str, Any], field: str, lang: str) -> str:
    prop = schema.get("properties", {}).get(field, {})
    if lang != "sv":
        title = prop.get("x-i18n", {}).get(lang, {}).get("title")
        if title:
            return str(title)
    return str(prop.get("title", field))


def validate_form(schema: dict[str, Any], validator: Draft202012Validator, data: Any,
                  lang: str = "sv") -> dict[str, Any]:
    """Return the cleaned data or raise InvalidData with one message per field."""
    msgs = MESSAGES.get(lang, MESSAGES["sv"])
    if not isinstance(data, dict):
        raise InvalidData(msgs["summary"], {"data": msgs["invalid"]})
    props = schema.get("properties", {})
    fields: dict[str, str] = {}
    for key in data:
        if key not in props:
            fields[key] = msgs["unknown"].format(field=key)
    checked = Draft202012Validator(validator.schema, format_checker=_FORMATS, registry=_LOCAL_ONLY)
    try:
        errors = sorted(checked.iter_errors(data), key=lambda e: list(e.path))
    except Unresolvable as exc:
        raise InvalidData(f"the task's form refers to a schema that cannot be found: {exc}",
                          {"data": msgs["invalid"]}) from exc
    for error in errors:
        field, message = _describe(error, msgs)
        fields.setdefault(field, message)
    for key, prop in props.items():
        other = prop.get("x-not-before")
        if other and isinstance(data.get(key), str) and isinstance(data.get(other), str):
            try:
                if date.fromisoformat(data[key]) < date.fromisoformat(data[other]):
                    fields.setdefault(key, msgs["not_before"].format(other=field_title(schema, other, lang)))
            except ValueError:
                pass
    if fields:
        raise InvalidData(msgs["summary"], fields)
    return {k: v for k, v in data.items() if k in props}


def _describe(error: Any, msgs: dict[str, str]) -> tuple[str, str]:
    path = [str(p) for p in error.absolute_path]
    field = path[0] if path else ""
    kind = error.validator
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return (missing[0] if missing else field or "data"), msgs["required"]
    if kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else "string"
        return field, msgs.get(f"type_{expected}", msgs["invalid"])
    if kind == "format":
        return field, msgs.get(f"format_{error.validator_value}", msgs["invalid"])
    if kind in ("maxLength", "minLength", "minimum", "maximum", "maxItems"):
        return field, msgs[kind].format(limit=error.validator_value)
    if kind in ("enum", "const"):
        return field, msgs["enum"]
    return field or "data", msgs["invalid"]
