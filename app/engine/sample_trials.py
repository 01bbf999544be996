"""Trying an expression with sample data, as validation does: what the sandbox worker runs.

Names nobody has set read as a sample value that works as a date ("2027-01-01"), a number and a nested
record; a timer expression's value must be the kind its timer needs (a date, a duration, a cycle).
app/engine/validation/specs.py asks for these through the sandbox worker (app/engine/sandbox.py), whose jobs
are the functions here; neither of those imports the other's caller.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from app.core import calendar
from app.core.clock import ManualClock
from app.core.errors import ScriptFailure
from app.engine.expression_helpers import build_helpers
from app.engine.safe_expressions import _BUILTINS, trial_evaluate
from app.engine.sandbox_builtins import allow_attributes
from app.engine.timer_clock import as_instant

SAMPLE_DATE = "2027-01-01"


class SampleValue(str):
    """A value nobody has set yet, at deployment: a date, a number and a record all at once."""

    def __new__(cls) -> SampleValue:
        return super().__new__(cls, SAMPLE_DATE)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int | slice):
            return str.__getitem__(self, key)
        return SampleValue()

    def get(self, key: Any, default: Any = None) -> Any:
        return SampleValue()

    def __int__(self) -> int:
        return 1

    def __float__(self) -> float:
        return 1.0

    def __index__(self) -> int:
        return 1

    # With a number it counts as the number 1; with text it is the sample date's text.
    def __add__(self, other: Any) -> Any:
        return 1 + other if isinstance(other, int | float) else str.__add__(self, other)

    def __radd__(self, other: Any) -> Any:
        return other + 1 if isinstance(other, int | float) else str(other) + str(self)

    def __mul__(self, other: Any) -> Any:
        return 1 * other if isinstance(other, int | float) else str.__mul__(self, other)

    __rmul__ = __mul__

    def __sub__(self, other: Any) -> Any:
        return 1 - other

    def __rsub__(self, other: Any) -> Any:
        return other - 1

    def __truediv__(self, other: Any) -> Any:
        return 1 / other

    def __rtruediv__(self, other: Any) -> Any:
        return other / 1


allow_attributes(SampleValue, {"get"})


class _SampleScope(Mapping[str, Any]):
    """Task data at deployment: every name reads as a sample value, except helpers and builtins."""

    def __init__(self, helpers: Mapping[str, Any]) -> None:
        self._helpers = helpers

    def __getitem__(self, key: str) -> Any:
        if key.startswith("_") or key in self._helpers or key in ("True", "False", "None") or _is_builtin(key):
            raise KeyError(key)
        return SampleValue()

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _is_builtin(name: str) -> bool:
    return name in _BUILTINS


_KIND_TEXT = {"date": "a date", "duration": "a duration such as \"P14D\"",
              "cycle": "a cycle such as \"R5/2027-01-31/P1M\""}


def sample_evaluate(expression: str) -> Any:
    """The value of `expression` with sample data, as validation sees it."""
    clock = ManualClock(datetime(2027, 1, 1, 9, 0, tzinfo=UTC))
    return trial_evaluate(expression, build_helpers(clock), _SampleScope(build_helpers(clock)))


def timer_trial(kind: str, expression: str) -> str | None:
    """Why `expression` gives no usable timer value of `kind` (date, duration, cycle) with sample data."""
    clock = ManualClock(datetime(2027, 1, 1, 9, 0, tzinfo=UTC))
    try:
        value = sample_evaluate(expression)
    except ScriptFailure as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - whatever the expression raises is its problem
        return f"with sample data it fails: {type(exc).__name__}: {exc}"
    try:
        if kind == "date":
            if isinstance(value, str) and value.strip().upper().startswith("P"):
                calendar.parse_duration(value)
            else:
                as_instant(value, clock.tz)
        elif kind == "duration":
            calendar.parse_duration(str(value))
        elif kind == "cycle":
            _check_cycle(str(value), clock.tz)
    except (ValueError, TypeError, OverflowError) as exc:
        return f"with sample data it gives {str(value)[:80]!r}, which is not {_KIND_TEXT.get(kind, 'a time')} ({exc})"
    return None


def _check_cycle(text: str, tz: Any) -> None:
    parts = text.strip().upper().split("/")
    if len(parts) not in (2, 3) or not parts[0].startswith("R") or not (parts[0][1:] or "0").isdigit():
        raise ValueError("write R[n]/start/period or R[n]/period")
    step = calendar.parse_duration(parts[-1])
    if len(parts) == 3:
        as_instant(parts[1], tz)
    if step.is_zero():
        raise ValueError("the period of a cycle cannot be zero")
