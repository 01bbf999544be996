"""The documented helpers that diagram expressions, conditions, scripts and timers may call.

Everything here is pure and uses the injected clock; nothing reaches the operating system.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.clock import Clock
from app.domain import calendar


def build_helpers(clock: Clock) -> dict[str, Any]:
    def today() -> str:
        """Today's date in Swedish time, as YYYY-MM-DD."""
        return clock.today().isoformat()

    def add_months(day: str, months: int) -> str:
        """A date `months` later (negative: earlier), clamped to the month's last day."""
        return calendar.add_months(date.fromisoformat(str(day)[:10]), int(months)).isoformat()

    return {"today": today, "add_months": add_months}
