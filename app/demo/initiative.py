"""A demo case made of steps: the organisation (or, named by `starter`, an officer on the municipality's behalf)
starts it some days ago and its tasks are completed, one every few days, by the people holding them (Falun's
initiatives, Kungsbacka's cases). No timer is due on the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from app.core.calendar import at_local_time
from app.core.clock import ManualClock
from app.demo.people import first_user_of, user_for, user_named
from app.driving.case_driver import CaseDriver, start_case, with_clock
from app.services import Services


@dataclass
class StepsCase:
    org_number: str
    days_ago: int  # the organisation began the case this many days before today
    steps: list[tuple[str, dict[str, Any]]]  # tasks completed in order, one every few days
    starter: str | None = None  # the username of the staff member who starts it; None: the organisation's user


def run_steps_case(services: Services, municipality: str, process_id: str, spec: StepsCase) -> int:
    """Start the case `days_ago` days back and complete its steps on the days between then and today, all in one
    unit of work (so its mail leaves when the history is written)."""
    now = services.clock.now()
    begun = services.clock.today() - timedelta(days=spec.days_ago)
    gap = max(spec.days_ago // (len(spec.steps) + 1), 1) if spec.steps else 0
    clock = ManualClock(min(at_local_time(begun, time(10, 0), services.clock.tz), now), tz=str(services.clock.tz))
    history = with_clock(services, clock)
    starter = user_named(history, spec.starter) if spec.starter else first_user_of(history, spec.org_number)
    with history.unit_of_work() as session:
        case_id = start_case(history, municipality, spec.org_number, process_id=process_id, actor=starter,
                             session=session)
        driver = CaseDriver(history, case_id, mail=False, session=session)
        for number, (task_name, data) in enumerate(spec.steps, start=1):
            moment = at_local_time(begun + timedelta(days=gap * number), time(10, 0) if number % 2 else
                                   time(14, 30), services.clock.tz)
            if clock.now() < moment < now:
                clock.set(moment)
            task = driver.task(task_name)
            driver.complete(task_name, data, user_for(session, task), task=task)
    return case_id
