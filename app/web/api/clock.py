"""The manual clock (IOP_CLOCK=manual only): read it, move it forward, fire what became due.

The clock is stored in the database (app.core.clock.StoredClock): a move made here is what every web
worker and a separate `iop scheduler` see, and it survives a restart. Tests inject a ManualClock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import jsonify

from app import scheduler
from app.core.clock import ClockWentBack, ManualClock, StoredClock
from app.core.errors import Forbidden, InvalidData, NotFound
from app.core.roles import Role
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body, string_field
from app.web.context import services

MAX_JUMP = timedelta(days=36525)  # far enough for any agreement cycle, short of datetime's year 9999


def _manual() -> ManualClock | StoredClock:
    clock = services().clock
    if services().settings.clock != "manual" or not isinstance(clock, ManualClock | StoredClock):
        raise NotFound("the clock can only be read and moved when IOP_CLOCK=manual")
    return clock


def _current(clock: ManualClock | StoredClock) -> datetime:
    """The time as stored now (another process may have moved it within the cache's refresh)."""
    return clock.reload() if isinstance(clock, StoredClock) else clock.now()


@api.get("/clock")
@authenticated
def read_clock() -> Any:
    return jsonify({"now": _current(_manual()).isoformat()})


@api.post("/clock")
@authenticated
def move_clock() -> Any:
    clock = _manual()
    if caller().role != Role.ADMIN:
        raise Forbidden("only an administrator can move the clock")
    raw = string_field(json_body("now"), "now", max_length=64) or ""
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidData("now must be an ISO 8601 time", {"now": "e.g. 2027-05-29T00:00:00+02:00"}) from exc
    if when.tzinfo is None:
        raise InvalidData("now needs a UTC offset", {"now": "add an offset such as +01:00 or Z"})
    current = _current(clock)
    if when < current:
        raise InvalidData("the clock only moves forward", {"now": f"must be after {current.isoformat()}"})
    if when - current > MAX_JUMP:
        raise InvalidData("the clock moves at most 100 years at a time", {"now": "at most 100 years ahead"})
    try:
        clock.set(when)  # a stored clock checks "forward" again in the database: another process may race
    except ClockWentBack as exc:
        raise InvalidData("the clock only moves forward", {"now": f"must be after {exc.current.isoformat()}"}) \
            from exc
    fired = scheduler.sweep(services())
    return jsonify({"now": clock.now().isoformat(), "fired": fired})
