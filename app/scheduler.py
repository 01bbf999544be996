"""APScheduler wiring only: it calls the timer sweep; the work itself is engine code."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.services import Services

log = logging.getLogger(__name__)
SWEEP_SECONDS = 30


def sweep(services: Services) -> int:
    """Fire what is due; returns the number of timers fired."""
    from app.engine.timers import fire_due_timers

    try:
        return fire_due_timers(services)
    except Exception:  # noqa: BLE001 - a failing sweep is logged; the next one tries again
        log.exception("timer sweep failed")
        return 0


def _add_jobs(scheduler: BackgroundScheduler | BlockingScheduler, services: Services) -> None:
    scheduler.add_job(sweep, "interval", seconds=SWEEP_SECONDS, args=[services], id="timer-sweep",
                      max_instances=1, coalesce=True, replace_existing=True)


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
