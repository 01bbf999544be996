"""IOP_CLOCK=manual: the clock is stored in the database, so a separate `iop scheduler` sees the time
set through a web worker's API and a restart keeps it (finding 9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

import app.scheduler
from app.config import Settings
from app.core.clock import ClockWentBack, ManualClock, StoredClock, make_clock
from app.jobs.timer_sweep import fire_due_timers
from app.models.clock import StoredClockRow
from app.services import Services, build_services
from app.web.factory import create_app
from tests.conftest import Api
from tests.timers.helpers import case_row, deploy, fired, local, start


class Ticker:
    """Wall time for the stored clock's cache, moved by hand (tests never sleep)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def test_the_scheduler_sees_the_clock_set_through_the_api_and_a_restart_keeps_it(
        services: Services, people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = services.settings
    assert settings.clock == "manual"
    web = build_services(settings)  # a web worker, as `iop serve` builds it: no clock injected
    scheduler = build_services(settings)  # `iop scheduler`: another process on the same database
    assert isinstance(web.clock, StoredClock) and isinstance(scheduler.clock, StoredClock)
    admin = Api(create_app(settings, services=web).test_client(), "admin")
    assert admin.post("/api/v1/clock", {"now": "2037-06-01T09:00:00+02:00"}).status_code == 200
    deploy(web)
    case_id = start(web, "timer_cycle3", {"anchor": "2038-01-01"})
    assert case_row(web, case_id).next_timer_at == local("2038-01-01 00:00")
    assert scheduler.clock.now() == local("2037-06-01 09:00")

    # the web worker's own sweep after the move fails; the scheduler process must catch up
    monkeypatch.setattr(app.scheduler, "sweep", lambda services: 0)
    moved = admin.post("/api/v1/clock", {"now": "2041-01-01T12:00:00+01:00"})
    assert moved.status_code == 200 and moved.get_json()["fired"] == 0
    monkeypatch.undo()
    assert fired(web, case_id) == []

    scheduler = build_services(settings)  # (a fresh process: the cache of the one above is tested below)
    assert scheduler.clock.now() == local("2041-01-01 12:00")
    assert fire_due_timers(scheduler) == 3
    assert [datetime.fromisoformat(e.data["due"]) for e in fired(web, case_id)] == [
        local("2038-01-01 00:00"), local("2039-01-01 00:00"), local("2040-01-01 00:00")]

    # a restart: new services on the same database keep the time, and fire nothing twice
    restarted = build_services(settings)
    assert restarted.clock.now() == local("2041-01-01 12:00")
    assert fire_due_timers(restarted) == 0
    again = Api(create_app(settings, services=restarted).test_client(), "admin")
    assert again.get("/api/v1/clock").get_json()["now"] == "2041-01-01T11:00:00+00:00"
    back = again.post("/api/v1/clock", {"now": "2040-01-01T00:00:00+01:00"})
    assert back.status_code == 422 and "now" in back.get_json()["error"]["fields"]
    with restarted.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(StoredClockRow)) == 1


def test_reads_are_cached_for_a_short_refresh_and_the_clock_only_moves_forward(
        services: Services, people: Any) -> None:
    ticker = Ticker()
    first = StoredClock(services.db, start=local("2030-01-01 09:00"), refresh=1.0, ticker=ticker)
    other = StoredClock(services.db, start=local("1999-01-01 00:00"), refresh=1.0, ticker=ticker)
    assert first.now() == local("2030-01-01 09:00")  # stored on first use
    assert other.now() == local("2030-01-01 09:00")  # the stored time wins over its own start
    first.set(local("2031-01-01 09:00"))
    assert first.now() == local("2031-01-01 09:00")  # its own move at once
    assert other.now() == local("2030-01-01 09:00")  # another process's move: within the refresh
    ticker.seconds += 1.0
    assert other.now() == local("2031-01-01 09:00")
    with pytest.raises(ClockWentBack) as refused:
        other.set(local("2030-06-01 09:00"))
    assert refused.value.current == local("2031-01-01 09:00")
    other.advance(days=1)
    assert first.reload() == local("2031-01-02 09:00")
    first.set(local("2031-01-02 09:00"))  # the same time again is no move backwards
    with pytest.raises(ValueError):
        first.set(datetime(2032, 1, 1))


def test_iop_timezone_is_honoured_by_the_manual_clocks(services: Services, people: Any) -> None:
    stored = make_clock("manual", "America/New_York", services.db)
    assert isinstance(stored, StoredClock)
    stored.set(datetime.fromisoformat("2035-01-01T03:00:00+00:00"))
    assert str(stored.tz) == "America/New_York" and stored.today().isoformat() == "2034-12-31"
    assert isinstance(make_clock("manual", "America/New_York"), ManualClock)
    settings = Settings(**{**services.settings.__dict__, "timezone": "America/New_York"})
    assert str(build_services(settings).clock.tz) == "America/New_York"
