"""Role, assignee and due time of a ready human task, from its diagram element and the case data.

Both dialects: the role is the lane's, or camunda:candidateGroups' (app.engine.elements); the due
time comes from the `dueIn` property or camunda:dueDate; the assignee from camunda:assignee.
`${...}` values are translated (app.engine.camunda_expressions) and evaluated with the restricted
expression environment against the task's data. A value that cannot be computed when the task
opens leaves the task without a due time or assignee (and is logged) rather than stopping the case.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.core import calendar
from app.core.errors import ScriptFailure
from app.engine.camunda_expressions import DialectError, bare_iso_kind, mentions_juel, translate_expression
from app.engine.elements import ElementInfo
from app.engine.safe_expressions import SafeEnvironment

log = logging.getLogger(__name__)
_ENVIRONMENT = SafeEnvironment()


def task_role(info: ElementInfo | None) -> str:
    return (info.role if info else None) or "officer"


def _evaluate(info: ElementInfo, text: str, data: dict[str, Any]) -> Any:
    try:
        return _ENVIRONMENT.evaluate(translate_expression(text), dict(data))
    except (DialectError, ScriptFailure, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        log.warning("task %s: %r could not be evaluated: %s", info.id, text, exc)
        return None


def _due_from(value: Any, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A dueDate value as an instant: a date is due at the end of that local day, a naive date-time is
    a local wall time (IOP_TIMEZONE), a duration counts from now (whole days: to the end of the local day)."""
    if isinstance(value, datetime):
        return (calendar.localize(value, tz) if value.tzinfo is None else value).astimezone(UTC)
    if isinstance(value, date):
        return calendar.end_of_day(value, tz)
    text = str(value or "").strip()
    kind = bare_iso_kind(text)
    if kind == "duration":
        duration = calendar.parse_duration(text)
        if duration.seconds:
            return calendar.add_duration(now, duration, tz)
        return calendar.end_of_day(calendar.add_duration_to_date(calendar.local_date(now, tz), duration), tz)
    if kind == "date":
        if len(text) == 10:
            return calendar.end_of_day(date.fromisoformat(text), tz)
        return _due_from(datetime.fromisoformat(text.replace("Z", "+00:00")), now, tz)
    return None


def task_due(info: ElementInfo | None, data: dict[str, Any], now: datetime, tz: ZoneInfo) -> datetime | None:
    """Due at the end of the local day `dueIn` (an ISO duration) after the task opened, or at camunda:dueDate."""
    if info is None:
        return None
    if info.properties.get("dueIn"):
        day = calendar.add_duration_to_date(calendar.local_date(now, tz),
                                            calendar.parse_duration(info.properties["dueIn"]))
        return calendar.end_of_day(day, tz)
    if not info.due_date:
        return None
    value: Any = _evaluate(info, info.due_date, data) if mentions_juel(info.due_date) else info.due_date
    try:
        return _due_from(value, now, tz)
    except ValueError as exc:
        log.warning("task %s: the due date %r is not a date: %s", info.id, value, exc)
        return None


def task_assignee_username(info: ElementInfo | None, data: dict[str, Any]) -> str | None:
    """A username the diagram assigns the task to directly (camunda:assignee), if any."""
    if info is None or not info.assignee or not info.assignee.strip():
        return None
    if not mentions_juel(info.assignee):
        return info.assignee.strip()
    value = _evaluate(info, info.assignee, data)
    if value is None:
        return None
    return str(value).strip() or None
