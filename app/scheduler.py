"""APScheduler wiring only: it calls the timer sweep (app/jobs/timer_sweep.py) and the overview's figures
(app/jobs/overview_refresh.py); the work itself is job code.

The overview's calendar and money are computed every half IOP_OVERVIEW_CACHE_SECONDS (and at start), so the
pages read them stored. The timers: an interval sweep (every SWEEP_SECONDS; it also catches whatever became due while no
scheduler ran), and a date job at the earliest ``next_timer_at`` so a timer fires on time rather
than up to one interval late. After each sweep the date job is moved to the new earliest due time.
Several scheduler processes may run at once: the sweep claims cases, so each timer fires once.
The scheduler never starts in tests; ``iop serve`` starts it in-process, ``iop scheduler`` alone.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import func, select

from app.core.statuses import CaseStatus
from app.jobs.overview_refresh import refresh_overview_figures
from app.jobs.timer_sweep import fire_due_timers
from app.models import Case
from app.observability.heartbeat import Heartbeat
from app.observability.metrics import observe_sweep
from app.services import Services

log = logging.getLogger(__name__)
SWEEP_SECONDS = 30
NEXT_JOB = "timer-next"
SLOW_SWEEP_SECONDS = 5.0  # a sweep that fired nothing is logged only when it took longer than this


def sweep(services: Services, heartbeat: Heartbeat | None = None) -> int:
    """Fire what is due; returns the number of timers fired.

    The duration and the firings go to this process's metrics; a scheduler's sweep also to its heartbeat row,
    which /health and /metrics of every web process read (app/observability/heartbeat.py)."""
    started_wall = heartbeat.sweep_started() if heartbeat is not None else None
    started = time.perf_counter()
    fired = 0
    error: str | None = None
    try:
        fired = fire_due_timers(services)
    except Exception as exc:  # noqa: BLE001 - a failing sweep is logged; the next one tries again
        log.exception("timer sweep failed")
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    observe_sweep(seconds, fired)
    if heartbeat is not None and started_wall is not None:
        heartbeat.sweep_finished(started_wall, fired, error)
    if fired or seconds > SLOW_SWEEP_SECONDS:
        log.info("timer sweep fired %s timers in %.3f s", fired, seconds,
                 extra={"fields": {"fired": fired, "duration_ms": round(seconds * 1000, 2)}})
    return fired


def next_due(services: Services) -> datetime | None:
    """The earliest due time of any running case's timer."""
    with services.session_factory() as session:
        # `status || ""` keeps SQLite on ix_cases_next_timer_at (see app.jobs.timer_sweep._due_case_ids)
        return session.scalar(select(func.min(Case.next_timer_at)).where((Case.status + "") == CaseStatus.RUNNING))


def _sweep_and_plan(scheduler: BaseScheduler, services: Services, heartbeat: Heartbeat | None = None) -> int:
    fired = sweep(services, heartbeat)
    try:
        _plan_next(scheduler, services, heartbeat)
    except Exception:  # noqa: BLE001 - the interval sweep still runs
        log.exception("could not plan the next timer")
    return fired


def _plan_next(scheduler: BaseScheduler, services: Services, heartbeat: Heartbeat | None = None) -> None:
    """A one-off sweep at the earliest due time, if that comes before the next interval sweep.

    APScheduler counts wall time; the delay is measured on the application's clock."""
    due = next_due(services)
    if due is None:
        return
    delay = due.astimezone(UTC) - services.clock.now()
    if delay > timedelta(seconds=SWEEP_SECONDS):
        return
    run_at = datetime.now(UTC) + max(delay, timedelta(0)) + timedelta(milliseconds=50)
    scheduler.add_job(_sweep_and_plan, "date", run_date=run_at, args=[scheduler, services, heartbeat], id=NEXT_JOB,
                      replace_existing=True, misfire_grace_time=None)


def _add_jobs(scheduler: BackgroundScheduler | BlockingScheduler, services: Services) -> None:
    heartbeat = Heartbeat(services)
    heartbeat.register()  # seen by /health at once, before the first sweep ends
    scheduler.add_job(_sweep_and_plan, "interval", seconds=SWEEP_SECONDS, args=[scheduler, services, heartbeat],
                      id="timer-sweep", max_instances=1, coalesce=True, replace_existing=True)
    # sweep once at start: whatever became due while no scheduler ran fires now
    scheduler.add_job(_sweep_and_plan, args=[scheduler, services, heartbeat], id=NEXT_JOB, replace_existing=True,
                      misfire_grace_time=None)
    keep = services.settings.overview_cache_seconds
    if keep > 0:  # the overview's figures, stored before a page would find them too old (at start, then again)
        scheduler.add_job(_refresh_overview, "interval", seconds=max(keep // 2, 5), args=[services],
                          id="overview-figures", max_instances=1, coalesce=True, replace_existing=True,
                          next_run_time=datetime.now(UTC))


def _refresh_overview(services: Services) -> None:
    try:
        refresh_overview_figures(services)
    except Exception:  # noqa: BLE001 - the pages compute the figures themselves meanwhile
        log.exception("could not compute the overview's figures")


def start_background_scheduler(services: Services) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=services.settings.timezone)
    _add_jobs(scheduler, services)
    scheduler.start()
    return scheduler


def run_blocking_scheduler(services: Services) -> None:
    scheduler = BlockingScheduler(timezone=services.settings.timezone)
    _add_jobs(scheduler, services)
    log.info("scheduler running: sweeping every %s seconds", SWEEP_SECONDS)
    scheduler.start()
