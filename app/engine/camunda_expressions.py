"""Camunda-style expression text (`${...}`, `#{...}`, bare ISO timer values) as our safe expressions.

Camunda Modeler writes JUEL: `${amount > 1000 && approved}`. We translate the simple part of JUEL
at parse time into the Python subset that `safe_expressions` runs, and refuse the rest with a
message, so a diagram never reaches a case with an expression we would read differently:

* `&&` `||` `!` and the word operators (`and`, `or`, `not`, `eq`, `ne`, `lt`, `gt`, `le`, `ge`,
  `div`, `mod`) become Python operators; `==`, `!=`, `<`, `>`, `<=`, `>=`, `+ - * / %` stay;
* `true`, `false`, `null` become `True`, `False`, `None`;
* property access `a.b.c` becomes `a["b"]["c"]` (task data are JSON objects);
* method and function calls, the ternary `?:`, `empty`, lambdas and composite text
  (`Dear ${name}`) are refused.

Timer values: a bare ISO 8601 duration (`P9M`), date or date-time (`2027-01-01T09:00`) or
repetition (`R3/P1Y`, `R/2027-01-01/P1M`) becomes a quoted string literal; `${name}` (or `${a.b}`)
becomes a variable reference. Anything else in `${...}` is refused. Text without `${` that is not
a bare ISO value is left alone: it is already our own expression language.
"""

from __future__ import annotations

import re

from app.core import calendar
from app.core.errors import ScriptFailure
from app.engine.safe_expressions import compile_expression


class DialectError(ValueError):
    """Text in the Camunda dialect that we cannot run; the message says why."""


_WRAPPED = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<number>\d+(?:\.\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>&&|\|\||==|!=|<=|>=|[<>!+\-*/%()\[\].,])
    """,
    re.VERBOSE,
)
_WORD_OPERATORS = {
    "and": "and", "or": "or", "not": "not", "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=",
    "ge": ">=", "div": "/", "mod": "%",
}
_CONSTANTS = {"true": "True", "false": "False", "null": "None", "True": "True", "False": "False", "None": "None"}
_SYMBOL_OPERATORS = {"&&": "and", "||": "or", "!": "not"}
# Python words a JUEL expression has no business using; they would change what the text means.
_REFUSED_WORDS = {
    "empty", "instanceof", "lambda", "if", "else", "for", "in", "is", "import", "from", "def", "class",
    "return", "yield", "await", "async", "with", "as", "global", "nonlocal", "del", "pass", "raise",
    "try", "except", "finally", "while", "break", "continue", "assert", "elif",
}

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_ISO_DATE_TIME = _ISO_DATE + r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO_DURATION = r"P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?"
_BARE_DATE = re.compile(rf"^{_ISO_DATE_TIME}$")
_BARE_DURATION = re.compile(rf"^{_ISO_DURATION}$", re.IGNORECASE)
_BARE_CYCLE = re.compile(rf"^R\d*/(?:(?:{_ISO_DATE_TIME})/)?{_ISO_DURATION}$", re.IGNORECASE)
_PATH = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*\s*$")


def is_wrapped(text: str | None) -> bool:
    """Whether the text is a whole `${...}` or `#{...}` expression."""
    return bool(text and _WRAPPED.match(text))


def mentions_juel(text: str | None) -> bool:
    return bool(text and ("${" in text or "#{" in text))


def _tokens(body: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(body):
        match = _TOKEN.match(body, position)
        if match is None:
            raise DialectError(f"cannot translate {body[position:position + 12]!r}: only comparisons, "
                               "&&, ||, !, arithmetic, literals and variable names are supported")
        kind = match.lastgroup or ""
        if kind != "space":
            found.append((kind, match.group()))
        position = match.end()
    return found


def _translate_body(body: str) -> str:
    tokens = _tokens(body)
    out: list[str] = []
    for index, (kind, text) in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
        previous = tokens[index - 1] if index > 0 else ("", "")
        if kind == "name":
            if previous == ("op", "."):
                if following == ("op", "("):
                    raise DialectError(f"method calls such as .{text}(...) are not supported")
                out.append(f'["{text}"]')
                continue
            if text in _REFUSED_WORDS:
                raise DialectError(f"'{text}' is not supported in expressions")
            if following == ("op", "("):
                raise DialectError(f"function calls such as {text}(...) are not supported; "
                                   "write the condition with variables and operators")
            if text in _WORD_OPERATORS:
                out.append(f" {_WORD_OPERATORS[text]} ")
            elif text in _CONSTANTS:
                out.append(_CONSTANTS[text])
            else:
                out.append(text)
        elif kind == "op" and text == ".":
            if previous[0] != "name" and previous[1] not in ("]", ")"):
                raise DialectError("a '.' must follow a variable name")
            if following[0] != "name":
                raise DialectError("a '.' must be followed by a property name")
        elif kind == "op" and text in _SYMBOL_OPERATORS:
            out.append(f" {_SYMBOL_OPERATORS[text]} ")
        elif kind == "op" and text in ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%"):
            out.append(f" {text} ")
        else:
            out.append(text)
    result = re.sub(r"\s+", " ", "".join(out)).strip()
    if not result:
        raise DialectError("the expression is empty")
    return result


def translate_expression(text: str) -> str:
    """`${...}`/`#{...}` as our safe expression; raise DialectError if it cannot be translated."""
    match = _WRAPPED.match(text)
    if match is None:
        raise DialectError("write the whole expression inside one ${...}; text around it is not supported")
    translated = _translate_body(match.group("body"))
    try:
        compile_expression(translated)
    except ScriptFailure as exc:
        raise DialectError(f"cannot translate {text.strip()!r}: {exc}") from exc
    except SyntaxError as exc:
        raise DialectError(f"cannot translate {text.strip()!r}: {exc.msg}") from exc
    return translated


def translate_condition(text: str | None) -> str | None:
    """A condition as our expression: `${...}` translated, anything else unchanged."""
    if text is None or not mentions_juel(text):
        return text
    return translate_expression(text)


def translate_reference(text: str) -> str:
    """`${name}` or `${a.b}` as a variable reference; other `${...}` is refused."""
    match = _WRAPPED.match(text)
    if match is None or not _PATH.match(match.group("body")):
        raise DialectError(f"{text.strip()!r}: only ${{variable}} references (or bare ISO 8601 values) are "
                           "supported here; JUEL functions such as dateTime() are not")
    return _translate_body(match.group("body"))


def bare_iso_kind(text: str) -> str | None:
    """'duration', 'date' or 'cycle' if the text is a bare ISO 8601 value of that kind."""
    value = text.strip()
    if _BARE_CYCLE.match(value):
        return "cycle"
    if _BARE_DATE.match(value):
        return "date"
    if _BARE_DURATION.match(value) and value.upper() not in ("P", "PT") and not value.upper().endswith("T"):
        return "duration"
    return None


_TIMER_KINDS = {"timeDuration": ("duration",), "timeDate": ("date", "duration"), "timeCycle": ("cycle",)}
_EXAMPLES = {"timeDuration": "P9M or PT2H", "timeDate": "2027-01-01T09:00 or 2027-01-01",
             "timeCycle": "R3/P1Y or R/2027-01-01T09:00/P1M"}


def translate_timer(text: str | None, element: str = "timeDuration") -> str | None:
    """A timer value as our expression: bare ISO quoted, `${name}` a reference, our own text unchanged.

    `element` is timeDuration, timeDate or timeCycle: a bare value must be of a kind that element takes."""
    if text is None:
        return None
    value = text.strip()
    if mentions_juel(value):
        return translate_reference(value)
    kind = bare_iso_kind(value)
    if kind is not None:
        if kind not in _TIMER_KINDS.get(element, (kind,)):
            raise DialectError(f"{value!r} is not a value for {element}; write e.g. {_EXAMPLES[element]}")
        if kind == "duration":
            calendar.parse_duration(value)  # the calendar must understand what we hand it
            return repr(value.upper())
        return repr(value)
    if re.fullmatch(r"[0-9*?/,\-#LW ]+", value) and len(value.split()) in (6, 7):
        raise DialectError(f"{value!r} looks like a cron expression; write the cycle as R[n]/[start/]period, "
                           "e.g. R3/P1Y")
    return text
