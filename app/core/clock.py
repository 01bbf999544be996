"""The one clock of the application.

Every piece of code that needs "now" asks an injected clock. Timestamps are aware
UTC; calendar dates are derived in the configured time zone (IOP_TIMEZONE, by default
Europe/Stockholm).

With IOP_CLOCK=manual the clock is a ``StoredClock`` (app/core/stored_clock.py: its time is one row in the
database). Tests inject an in-memory ``ManualClock``. This module needs no database, so the expression sandbox's
worker process imports it without SQLAlchemy.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)


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
        with self._lock:
            self._now = self._now + timedelta(**delta)
