"""The documented expression helpers, the engine clock inside SpiffWorkflow, and the scheduler wiring."""

from __future__ import annotations

from datetime import UTC, datetime

import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer
from apscheduler.schedulers.background import BackgroundScheduler

from app.core.clock import ManualClock
from app.engine.expression_helpers import build_helpers
from app.engine.timer_clock import engine_clock, install
from app.scheduler import NEXT_JOB, _add_jobs
from app.services import Services


def test_helpers_compute_dates_as_a_person_means_them() -> None:
    clock = ManualClock(datetime(2027, 7, 1, 10, 30, tzinfo=UTC))
    h = build_helpers(clock)
    assert h["today"]() == "2027-07-01"
    assert h["now"]() == "2027-07-01T12:30:00+02:00"
    assert h["months_before"]("2028-02-29", 9) == "2027-05-29"
    assert h["add_months"]("2025-01-31", 1) == "2025-02-28"
    assert h["add_months"]("2024-02-29", 12) == "2025-02-28"
    assert h["add_months"]("2024-02-29", 48) == "2028-02-29"
    assert h["add_days"]("2027-03-27", 1) == "2027-03-28"
    assert h["at_local"]("2027-03-28", "09:00") == "2027-03-28T09:00:00+02:00"
    assert h["at_local"]("2027-03-27", "09:00") == "2027-03-27T09:00:00+01:00"
    assert h["at_local"]("2027-03-28", "02:30") == "2027-03-28T03:30:00+02:00"  # skipped by summer time


def test_engine_clock_governs_spiffworkflow_only_inside_its_scope_and_thread() -> None:
    install()
    clock = ManualClock(datetime(2031, 1, 1, tzinfo=UTC))
    outside = spiff_timer.datetime.now(UTC)  # type: ignore[attr-defined]
    assert outside.year < 2031
    with engine_clock(clock):
        inside = spiff_timer.datetime.now(UTC)  # type: ignore[attr-defined]
        assert inside.year == 2031 and inside > clock.now()  # one microsecond past: due at its instant
        with engine_clock(clock, at=datetime(2032, 5, 1, tzinfo=UTC)):
            assert spiff_timer.datetime.now(UTC).year == 2032  # type: ignore[attr-defined]
        import threading

        seen: list[int] = []
        thread = threading.Thread(target=lambda: seen.append(spiff_timer.datetime.now(UTC).year))  # type: ignore[attr-defined]
        thread.start()
        thread.join()
        assert seen[0] < 2031  # another thread keeps its own time
    assert spiff_timer.datetime.now(UTC).year < 2031  # type: ignore[attr-defined]


def test_scheduler_has_an_interval_sweep_and_a_sweep_at_start(services: Services) -> None:
    scheduler = BackgroundScheduler(timezone="Europe/Stockholm")  # never started in tests
    _add_jobs(scheduler, services)
    ids = {job.id for job in scheduler.get_jobs()}
    assert ids == {"timer-sweep", NEXT_JOB, "overview-figures"}
    # the overview's figures: every half IOP_OVERVIEW_CACHE_SECONDS (60), so the stored ones never grow too old
    assert scheduler.get_job("overview-figures").trigger.interval.total_seconds() == 30
