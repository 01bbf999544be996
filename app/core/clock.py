"""The one clock of the application.

Every piece of code that needs "now" asks an injected clock. Timestamps are aware
UTC; calendar dates are derived in the configured time zone (IOP_TIMEZONE, by default
Europe/Stockholm; app/core/calendar.py makes it the default of every calendar function).

With IOP_CLOCK=manual the clock is a ``StoredClock``: its time is one row in the database, so
that every process (web workers, ``iop scheduler``) sees the time set through the API and a
restart keeps it. Tests inject an in-memory ``ManualClock`` instead. That row is the one thing of the
models the core reads, which is why app.models sits below app.core in the layers (docs/architecture.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app.core.calendar import DEFAULT_ZONE
from app.models.clock import ROW_ID, StoredClockRow

log = logging.getLogger(__name__)


class Clock(Protocol):
    tz: ZoneInfo

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """The wall clock."""

    def __init__(self, tz: str = DEFAULT_ZONE) -> None:
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()


class ManualClock:
    """A clock that only moves when told to: for tests and demos (IOP_CLOCK=manual)."""

    def __init__(self, start: datetime | None = None, tz: str = DEFAULT_ZONE) -> None:
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


class ClockWentBack(ValueError):
    """A stored clock only moves forward; `current` is the time it already shows."""

    def __init__(self, current: datetime) -> None:
        super().__init__(f"the clock only moves forward: it already shows {current.isoformat()}")
        self.current = current


class StoredClock:
    """The manual clock kept in the database (table ``stored_clock``, one row): IOP_CLOCK=manual.

    Every process on the database sees one time, and a restart keeps it. Reading is cheap: the
    value is cached for ``refresh`` seconds of wall time (measured on ``ticker``), so the timer
    sweep, which asks for "now" many times, costs one small query per ``refresh`` at most. Another
    process's move is seen within ``refresh``; this process's own move at once. The first read of
    an empty table stores ``start`` (default: the wall clock). ``set`` only moves forward, decided
    in the database by a conditional UPDATE, so racing processes cannot set it back."""

    REFRESH_SECONDS = 1.0

    def __init__(self, db: Engine, tz: str = DEFAULT_ZONE, *, start: datetime | None = None,
                 refresh: float = REFRESH_SECONDS, ticker: Callable[[], float] = time.monotonic) -> None:
        self.tz = ZoneInfo(tz)
        self._db = db
        self._start = start
        self._refresh = refresh
        self._ticker = ticker
        self._lock = threading.Lock()
        self._cached: datetime | None = None
        self._read_at = 0.0

    def now(self) -> datetime:
        with self._lock:
            if self._cached is not None and self._ticker() - self._read_at < self._refresh:
                return self._cached
        return self.reload()

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    def reload(self) -> datetime:
        """Read the stored time now, whatever the cache holds."""
        with self._db.connect() as conn:
            stored = conn.scalar(select(StoredClockRow.now).where(StoredClockRow.id == ROW_ID))
        if stored is None:
            stored = self._create()
        return self._remember(stored)

    def set(self, when: datetime) -> None:
        """Move the clock to `when` (aware); ClockWentBack if it already shows a later time."""
        if when.tzinfo is None:
            raise ValueError("the clock needs an aware datetime (with a UTC offset)")
        when = when.astimezone(UTC)
        self.reload()  # the row exists from here on
        with self._db.begin() as conn:
            moved = conn.execute(update(StoredClockRow)
                                 .where(StoredClockRow.id == ROW_ID, StoredClockRow.now <= when)
                                 .values(now=when, updated_at=datetime.now(UTC))).rowcount
        if not moved:
            raise ClockWentBack(self.reload())
        self._remember(when)

    def advance(self, **delta: float) -> None:
        self.set(self.reload() + timedelta(**delta))

    def _create(self) -> datetime:
        start = (self._start or datetime.now(UTC)).astimezone(UTC)
        self._start = start  # until it is stored, this process keeps showing the same start
        try:
            with self._db.begin() as conn:
                conn.execute(insert(StoredClockRow).values(id=ROW_ID, now=start, updated_at=datetime.now(UTC)))
            return start
        except OperationalError:
            # SQLite: asked for inside another connection's write transaction (e.g. while deploying on
            # first start), which holds the one write lock; store it at the next read or move instead
            log.info("the manual clock is not stored yet (database busy); showing %s", start.isoformat())
            return start
        except IntegrityError:  # another process stored it first
            with self._db.connect() as conn:
                stored = conn.scalar(select(StoredClockRow.now).where(StoredClockRow.id == ROW_ID))
            if stored is None:
                raise
            return stored

    def _remember(self, stored: datetime) -> datetime:
        with self._lock:
            if self._cached is None or stored >= self._cached:  # never backwards within a process
                self._cached = stored
            self._read_at = self._ticker()
            return self._cached


def make_clock(kind: str, tz: str, db: Engine | None = None) -> SystemClock | ManualClock | StoredClock:
    """IOP_CLOCK: `system` (the wall clock) or `manual` (stored in `db`; in memory without one)."""
    if kind == "manual":
        return StoredClock(db, tz=tz) if db is not None else ManualClock(tz=tz)
    if kind == "system":
        return SystemClock(tz=tz)
    raise ValueError(f"IOP_CLOCK must be 'system' or 'manual', not {kind!r}")
