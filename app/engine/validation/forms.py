"""Checks on the JSON Schema form files of a bundle.

A form must be JSON, a valid JSON Schema (2020-12), use only the `x-` keys our form renderer knows,
refer only to its own definitions (nothing is fetched over the network) and carry no regular
expression that can take exponential time (nested quantifiers such as `(a+)+`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from app.core.errors import Problem
from app.engine.field_rules import PARTY_WHEN_KEY, SECRECY_KEY, VISIBILITY_KEY, rule_problems
from app.engine.form_keys import spec_problem

try:  # the regular-expression parser behind `re`, to look at a pattern's structure
    import re._parser as sre_parse  # type: ignore[import-not-found]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

# The x- keys app/web/pages/forms.py, answers.py and forms.py of the engine understand.
KNOWN_X_KEYS = {
    "x-widget": {"textarea", "attachment"},
    "x-enum-titles": None,
    "x-comment-for": None,
    "x-order": None,
    "x-show": None,
    "x-i18n": None,
    "x-not-before": None,
    "x-keys-from": None,  # checked by app.engine.form_keys.spec_problem
    "x-prefill": {"organisation.name", "organisation.org_number", "organisation.email", "user.name", "user.email"},
    # who may see a field (app.engine.field_rules): checked by rule_problems
    VISIBILITY_KEY: None,
    PARTY_WHEN_KEY: None,
    SECRECY_KEY: None,
}
RULE_KEYS = (VISIBILITY_KEY, PARTY_WHEN_KEY, SECRECY_KEY)
MAX_FORM_BYTES = 512 * 1024


def form_problems(name: str, text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The parsed schema (None if unusable) and the form's problems."""
    if len(text.encode("utf-8")) > MAX_FORM_BYTES:
        return None, [Problem(file=name, code="form_too_large",
                              message=f"the form is larger than {MAX_FORM_BYTES // 1024} kB")]
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(file=name, line=exc.lineno, code="form_json",
                              message=f"the form is not valid JSON: {exc.msg} (column {exc.colno})")]
    except RecursionError:
        return None, [Problem(file=name, code="form_json", message="the form is nested too deeply to read")]
    if not isinstance(schema, dict):
        return None, [Problem(file=name, line=1, code="form_schema",
                              message="the form is not a valid JSON Schema: it must be a JSON object")]
    refusal = _schema_refusal(text)
    if refusal is not None:
        message, needle = refusal
        return None, [Problem(file=name, line=_line_of(text, needle), code="form_schema", message=message)]
    problems = []
    for path, key, value in _walk(schema, ()):
        where = "/".join(path) or "the top level"
        if key in RULE_KEYS and not (path == () or (len(path) == 2 and path[0] == "properties")):
            problems.append(Problem(file=name, line=_line_of(text, key), code="form_visibility",
                                    message=f"the key '{key}' at {where} belongs on the form or on one of its "
                                            "fields (under 'properties'), not deeper"))
        elif key.startswith("x-"):
            problems.extend(_x_key_problems(name, text, where, key, value))
        elif key in ("$ref", "$dynamicRef") and isinstance(value, str) and not value.startswith("#"):
            problems.append(Problem(file=name, line=_line_of(text, value), code="form_remote_ref",
                                    message=f"the form refers to '{value}' at {where}: a form may only refer to "
                                            "its own definitions ('#/...'); nothing is fetched over the network"))
        elif key == "pattern" and isinstance(value, str):
            problems.extend(_pattern_problems(name, text, where, value))
        elif key == "patternProperties" and isinstance(value, dict):
            for pattern in value:
                problems.extend(_pattern_problems(name, text, where, pattern))
    for field, key, message in rule_problems(schema):
        path = () if field == "the form" else ("properties", field)
        problems.append(Problem(file=name, line=_line_at(text, path, key), element_id=None if not path else field,
                                code="form_visibility", message=message))
    return (schema if not problems else None), problems


def _line_at(text: str, path: tuple[str, ...], key: str) -> int | None:
    """The line of `key` under `path` (each step a key written in the text, found in order): the place a
    field's own key is written, not the first key of that name in the file."""
    at = 0
    for step in (*path, key):
        found = text.find(json.dumps(step, ensure_ascii=False), at)
        if found < 0:
            return _line_of(text, key)
        at = found + 1
    return text.count("\n", 0, at) + 1


@lru_cache(maxsize=512)
def _schema_refusal(text: str) -> tuple[str, str | None] | None:
    """Why the form is no valid JSON Schema (message, text to find its line by), or None.

    Checking against the 2020-12 meta-schema takes ~50 ms a form; forms rarely change, so the verdict
    is kept per text."""
    try:
        Draft202012Validator.check_schema(json.loads(text))
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path)
        needle = exc.instance if isinstance(exc.instance, str) else (str(exc.path[-1]) if exc.path else None)
        return f"the form is not a valid JSON Schema: {exc.message}" + (f" (at {where})" if where else ""), needle
    except RecursionError:
        return "the form is nested too deeply to read", None
    return None


def _walk(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    stack: list[tuple[Any, tuple[str, ...]]] = [(node, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                yield where, str(key), value
                if not str(key).startswith("x-") and key not in ("enum", "const", "default", "examples"):
                    stack.append((value, (*where, str(key))))
        elif isinstance(current, list):
            stack.extend((item, (*where, str(i))) for i, item in enumerate(current))


def _x_key_problems(name: str, text: str, where: str, key: str, value: Any) -> list[Problem]:
    if key not in KNOWN_X_KEYS:
        known = ", ".join(sorted(KNOWN_X_KEYS))
        return [Problem(file=name, line=_line_of(text, key), code="form_unknown_key",
                        message=f"the form uses the key '{key}' at {where}, which the form renderer does not know "
                                f"(known: {known})")]
    if key == "x-keys-from":
        problem = spec_problem(value)
        if problem:
            return [Problem(file=name, line=_line_of(text, key), code="form_unknown_key",
                            message=f"the key 'x-keys-from' at {where} {problem}")]
        return []
    allowed = KNOWN_X_KEYS[key]
    if allowed is not None and value not in allowed:
        return [Problem(file=name, line=_line_of(text, key), code="form_unknown_key",
                        message=f"the key '{key}' at {where} has the value {json.dumps(value)}; the form renderer "
                                f"knows {', '.join(sorted(allowed))}")]
    return []


def _pattern_problems(name: str, text: str, where: str, pattern: str) -> list[Problem]:
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return [Problem(file=name, line=_line_of(text, "pattern"), code="form_regex",
                        message=f"the pattern {json.dumps(pattern)} at {where} is not a valid regular "
                                f"expression: {exc}")]
    if _nested_repeat(parsed, inside_repeat=False):
        return [Problem(file=name, line=_line_of(text, "pattern"), code="form_regex",
                        message=f"the pattern {json.dumps(pattern)} at {where} repeats a repetition (like (a+)+); "
                                "such patterns can take exponential time on some input. Write it without the "
                                "nested repetition")]
    return []


_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)}


def _nested_repeat(items: Any, inside_repeat: bool) -> bool:
    for op, arg in items:
        if op in _REPEATS:
            low, high, sub = arg
            repeats = high == sre_constants.MAXREPEAT or high > 1
            if inside_repeat and repeats and low != high:  # a fixed count like {2} is not ambiguous
                return True
            if _nested_repeat(sub, inside_repeat or repeats):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _nested_repeat(arg[-1], inside_repeat):
                return True
        elif op == sre_constants.BRANCH:
            if any(_nested_repeat(branch, inside_repeat) for branch in arg[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _nested_repeat(arg[1], inside_repeat):
                return True
    return False


def _line_of(text: str, needle: str | None) -> int | None:
    if not needle:
        return None
    at = text.find(json.dumps(needle)[1:-1])
    return text.count("\n", 0, at) + 1 if at >= 0 else None
