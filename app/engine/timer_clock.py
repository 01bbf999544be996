"""The engine's clock inside SpiffWorkflow's timers, and timer values computed on the local calendar.

SpiffWorkflow 3.2.0 decides whether a timer is due with ``datetime.now(timezone.utc)`` inside
``SpiffWorkflow.bpmn.specs.event_definitions.timer`` and has no clock hook. Its date arithmetic is
not what a person means either (P1M from 31 January lands on 3 March, a yearly cycle is a fixed
number of days, naive dates get a UTC offset frozen at import).

How we make the injected clock govern it:

* ``install()`` replaces the name ``datetime`` in that one module by ``EngineDatetime``, a subclass
  whose ``now()`` asks a ``ContextVar``. While ``engine_clock(clock, at=...)`` is active (the engine
  wraps every call that may touch a timer in it), "now" is the engine's clock, or the fixed moment
  ``at`` when the sweep replays missed timers at their due time. Outside such a scope it is the
  wall clock, as before. Context variables are per thread, so two engines (or two sweeping threads)
  with different clocks never see each other's time. Nothing else in the library is touched.
* SpiffWorkflow compares ``due < now`` strictly; the engine's "now" is one microsecond past the
  clock so that a timer counts as due at its own instant (a clock set to 00:00 fires a 00:00 timer).
* ``TimerScriptEngine`` post-processes the value a timer expression evaluates to, so that the
  library is only handed explicit instants:
    - timeDate: a date alone means 00:00 of that day in the clock's zone (IOP_TIMEZONE, by default
      Europe/Stockholm); a naive date-time is a wall time there; an aware value is kept; a duration
      (``"P9M"``) counts from now.
    - timeDuration (``"P14D"``, ``"P1M"``): the due instant is computed with
      ``app.core.calendar`` (months clamped to the month end, days on the local calendar, so 09:00
      stays 09:00 across summer time) and handed to SpiffWorkflow as exact seconds (``"PT…S"``).
    - timeCycle (``"R5/2024-02-29/P1Y"``, ``"R/P1M"``): the first instant is explicit; after every
      firing ``app.engine.timer_state`` moves the next instant to anchor + k·period on the calendar,
      so a yearly series from 29 February gives 28 February and returns to the 29th in leap years.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from app.core import calendar
from app.core.clock import Clock

EPSILON = timedelta(microseconds=1)
CYCLE_KEY = "iop_cycle"


@dataclass(frozen=True)
class _Scope:
    clock: Clock
    at: datetime | None

    def now(self) -> datetime:
        return self.at if self.at is not None else self.clock.now()


_SCOPE: ContextVar[_Scope | None] = ContextVar("iop_engine_clock", default=None)


class EngineDatetime(datetime):
    """``datetime`` whose ``now()`` is the engine clock's (plus one microsecond) inside a scope."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> EngineDatetime:
        scope = _SCOPE.get()
        if scope is None:
            return super().now(tz)
        moment = scope.now() + EPSILON
        local = moment.astimezone(tz) if tz is not None else moment.astimezone(scope.clock.tz).replace(tzinfo=None)
        return cls(local.year, local.month, local.day, local.hour, local.minute, local.second, local.microsecond,
                   local.tzinfo, fold=local.fold)


def install() -> None:
    """Let the engine clock govern SpiffWorkflow's timers (idempotent)."""
    if spiff_timer.datetime is not EngineDatetime:  # type: ignore[attr-defined]
        spiff_timer.datetime = EngineDatetime  # type: ignore[attr-defined, misc]


@contextmanager
def engine_clock(clock: Clock, at: datetime | None = None) -> Iterator[None]:
    """Within this block SpiffWorkflow's "now" is `at` if given, else `clock.now()`."""
    install()
    token = _SCOPE.set(_Scope(clock, at))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def engine_now(fallback: Clock) -> datetime:
    """The moment the engine works at: the active scope's, else `fallback`'s now."""
    scope = _SCOPE.get()
    return scope.now() if scope is not None else fallback.now()


# ------------------------------------------------------------------ timer values on the calendar
def as_instant(value: Any, tz: Any) -> datetime:
    """A timeDate value (date, naive or aware date-time, ISO text) as an aware UTC instant."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return calendar.at_local_time(value, time(0, 0), tz)
    else:
        text = str(value).strip()
        if len(text) == 10:
            return calendar.at_local_time(date.fromisoformat(text), time(0, 0), tz)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return calendar.localize(moment, tz).astimezone(UTC)
    return moment.astimezone(UTC)


def times(duration: calendar.Duration, k: int) -> calendar.Duration:
    return calendar.Duration(months=duration.months * k, days=duration.days * k, seconds=duration.seconds * k)


def seconds_text(delta: timedelta) -> str:
    """An ISO duration of exact seconds that SpiffWorkflow adds without calendar arithmetic."""
    micros = max(0, delta // EPSILON)
    whole, fraction = divmod(micros, 1_000_000)
    return f"PT{whole}.{fraction:06d}S" if fraction else f"PT{whole}S"


def _timer_of(task: Any, expression: str) -> TimerEventDefinition | None:
    definition = getattr(task.task_spec, "event_definition", None)
    candidates = getattr(definition, "event_definitions", None) or [definition]
    for candidate in candidates:
        if isinstance(candidate, TimerEventDefinition) and candidate.expression == expression:
            return candidate
    return None


class TimerScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """PythonScriptEngine that hands SpiffWorkflow explicit instants for timer expressions."""

    def __init__(self, clock: Clock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        value = super().evaluate(task, expression, external_context)
        timer = _timer_of(task, expression)
        if timer is None:
            return value
        now, tz = engine_now(self.clock), self.clock.tz
        if isinstance(timer, TimeDateEventDefinition):
            if isinstance(value, str) and value.strip().upper().startswith("P"):
                return calendar.add_duration(now, calendar.parse_duration(value), tz).isoformat()
            return as_instant(value, tz).isoformat()
        if isinstance(timer, DurationTimerEventDefinition):
            due = calendar.add_duration(now, calendar.parse_duration(str(value)), tz)
            return seconds_text(due - (now + EPSILON))
        if isinstance(timer, CycleTimerEventDefinition):
            return self._cycle(task, str(value), now, tz)
        return value

    def _cycle(self, task: Any, text: str, now: datetime, tz: Any) -> str:
        parts = text.strip().upper().split("/")
        if len(parts) not in (2, 3) or not parts[0].startswith("R"):
            raise ValueError(f"{text!r} is not a cycle such as R5/2024-02-29/P1Y or R/P1M")
        count = int(parts[0][1:]) if parts[0][1:] else -1
        if len(parts) == 2:
            step = calendar.parse_duration(parts[1])
            anchor = calendar.add_duration(now, step, tz)
        elif parts[2].startswith("P"):
            step = calendar.parse_duration(parts[2])
            anchor = as_instant(parts[1], tz)
        else:
            raise ValueError(f"{text!r}: write the cycle as R[n]/start/period or R[n]/period")
        if step.is_zero():
            raise ValueError(f"{text!r}: the period of a cycle cannot be zero")
        task._set_internal_data(**{CYCLE_KEY: {
            "anchor": anchor.isoformat(), "months": step.months, "days": step.days, "seconds": step.seconds,
            "cycles": count, "seen": 0,
        }})
        second = calendar.add_duration(anchor, step, tz)
        return f"R{count if count >= 0 else ''}/{anchor.isoformat()}/{seconds_text(second - anchor)}"
