"""Strict parsing of request bodies: only plain, storable JSON reaches the domain.

Python's json module accepts NaN and Infinity, parses 1e400 as infinity, recurses once per nesting
level and keeps lone UTF-16 surrogates ("\\ud800") in strings. None of these can be stored (SQLite
and PostgreSQL drivers refuse surrogates, PostgreSQL refuses NUL and NaN in JSON), so they are
refused here with a 422 naming the field instead of failing later with a 500.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from app.core.errors import InvalidData

MAX_BODY_BYTES = 256 * 1024  # a JSON request body; file uploads (multipart) have limits of their own
TOO_LARGE = f"the JSON body is larger than {MAX_BODY_BYTES // 1024} kB; send less data"
MAX_DEPTH = 32
MAX_SAFE_INTEGER = 2**53 - 1  # the largest integer every JSON implementation reads exactly (RFC 7493)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def refuse_large_body() -> None:
    """Before an API request: a non-multipart body over MAX_BODY_BYTES is refused (413) before it is read."""
    if request.mimetype == "multipart/form-data":
        return
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise RequestEntityTooLarge(TOO_LARGE)


def parse(raw: bytes) -> Any:
    """The JSON value in `raw`, or InvalidData with a message a caller can act on."""
    if len(raw) > MAX_BODY_BYTES:  # a body sent without Content-Length
        raise RequestEntityTooLarge(TOO_LARGE)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidData("the body is not UTF-8 text", {"body": "send UTF-8 encoded JSON"}) from exc
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError as exc:
        raise InvalidData("the body is nested too deeply", {"body": f"at most {MAX_DEPTH} levels"}) from exc
    except ValueError as exc:
        raise InvalidData(f"the body is not valid JSON: {exc}", {"body": "send a JSON object"}) from exc
    check(value)
    return value


def _problem(value: Any) -> str | None:
    if isinstance(value, str):
        if "\x00" in value:
            return "contains a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains an unpaired UTF-16 surrogate"
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        return f"numbers must lie between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}"
    return None


def check(value: Any) -> None:
    """Walks the value without recursion; raises InvalidData naming the innermost key of a bad value."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "body")]
    while stack:
        item, depth, field = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidData("the body is nested too deeply", {field: f"at most {MAX_DEPTH} levels"})
        if isinstance(item, dict):
            for key, child in item.items():
                problem = _problem(key)
                if problem:
                    raise InvalidData(f"a field name {problem}", {"body": f"a field name {problem}"})
                stack.append((child, depth + 1, key))
        elif isinstance(item, list):
            stack.extend((child, depth + 1, field) for child in item)
        else:
            problem = _problem(item)
            if problem:
                raise InvalidData(f"{field} {problem}", {field: problem})
