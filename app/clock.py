"""The one clock of the application.

Every piece of code that needs "now" asks an injected clock. Timestamps are aware
UTC; calendar dates are derived in the configured time zone (Europe/Stockholm).
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    tz: ZoneInfo

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """The wall clock."""

    def __init__(self, tz: str = "Europe/Stockholm") -> None:
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()


class ManualClock:
    """A clock that only moves when told to: for tests and demos (IOP_CLOCK=manual)."""

    def __init__(self, start: datetime | None = None, tz: str = "Europe/Stockholm") -> None:
        self.tz = ZoneInfo(tz)
        self._lock = threading.Lock()
        self._now = (start or datetime.now(UTC)).astimezone(UTC)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("the clock needs an aware datetime (with a UTC offset)")
        with self._lock:
            self._now = when.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        with self._lock:
            self._now = self._now + timedelta(**delta)


def make_clock(kind: str, tz: str) -> SystemClock | ManualClock:
    if kind == "manual":
        return ManualClock(tz=tz)
    if kind == "system":
        return SystemClock(tz=tz)
    raise ValueError(f"IOP_CLOCK must be 'system' or 'manual', not {kind!r}")
