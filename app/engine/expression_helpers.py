"""The documented helpers that diagram expressions, conditions, scripts and timers may call.

Everything here is pure and uses the injected clock; nothing reaches the operating system. Dates are
ISO text (YYYY-MM-DD); date arithmetic is the calendar a person means (app.core.calendar): months
clamp to the month's last day, and local wall times keep their meaning across summer time.

| helper | returns |
| --- | --- |
| ``today()`` | today's date in local time (IOP_TIMEZONE), ``"2026-11-23"`` |
| ``now()`` | the current moment, ISO with its local offset, ``"2026-11-23T09:00:00+01:00"`` |
| ``add_months(day, n)`` | the date n months later (n < 0: earlier), clamped: (2025-01-31, 1) → 2025-02-28 |
| ``months_before(day, n)`` | ``add_months(day, -n)``: (2028-02-29, 9) → 2027-05-29 |
| ``add_days(day, n)`` | the date n calendar days later (n < 0: earlier) |
| ``at_local(day, "HH:MM")`` | the moment of that wall time on that date in local time, ISO with offset |

Timer conventions (the values SpiffWorkflow receives are explicit instants, see timer_clock):
``timeDate`` ``at_local(months_before(agreement_end, 9), "00:00")`` or a plain date (00:00 local);
``timeDuration`` ``"P14D"`` (on the local calendar); ``timeCycle`` ``"R5/2024-02-29/P1Y"``.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from app.core import calendar
from app.core.clock import Clock
from app.engine.timer_clock import engine_now


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def build_helpers(clock: Clock) -> dict[str, Any]:
    def today() -> str:
        """Today's date in local time (IOP_TIMEZONE), as YYYY-MM-DD (the engine's moment while timers replay)."""
        return engine_now(clock).astimezone(clock.tz).date().isoformat()

    def now() -> str:
        """The current moment as ISO 8601 with the local UTC offset."""
        return engine_now(clock).astimezone(clock.tz).isoformat()

    def add_months(day: str, months: int) -> str:
        """A date `months` later (negative: earlier), clamped to the month's last day."""
        return calendar.add_months(_day(day), int(months)).isoformat()

    def months_before(day: str, months: int) -> str:
        """The date `months` before `day`, clamped to the month's last day."""
        return calendar.add_months(_day(day), -int(months)).isoformat()

    def add_days(day: str, days: int) -> str:
        """The date `days` calendar days later (negative: earlier)."""
        return (_day(day) + timedelta(days=int(days))).isoformat()

    def at_local(day: str, wall: str = "00:00") -> str:
        """The moment of local wall time `wall` ("HH:MM") on date `day`, as ISO with its offset."""
        moment = calendar.at_local_time(_day(day), time.fromisoformat(str(wall)), clock.tz)
        return moment.astimezone(clock.tz).isoformat()

    return {"today": today, "now": now, "add_months": add_months, "months_before": months_before,
            "add_days": add_days, "at_local": at_local}
