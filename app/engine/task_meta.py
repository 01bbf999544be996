"""Role, assignee and due time of a ready human task, from its diagram element and the case data."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.domain import calendar
from app.engine.elements import ElementInfo


def task_role(info: ElementInfo | None) -> str:
    return (info.role if info else None) or "officer"


def task_due(info: ElementInfo | None, data: dict[str, Any], now: datetime, tz: ZoneInfo) -> datetime | None:
    """Due at the end of the local day `dueIn` (an ISO duration) after the task opened."""
    if info is None or not info.properties.get("dueIn"):
        return None
    day = calendar.add_duration_to_date(calendar.local_date(now, tz), calendar.parse_duration(info.properties["dueIn"]))
    return calendar.end_of_day(day, tz)


def task_assignee_username(info: ElementInfo | None, data: dict[str, Any]) -> str | None:
    """A username the diagram assigns the task to directly, if any."""
    return None
