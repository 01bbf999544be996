"""Fire due timers: the shared sweep once it exists, otherwise a test-only stand-in of the same meaning."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import Case
from app.services import Services
from tests.stenungsund.conftest import TIMERS_READY
from tests.stenungsund.steps import midnight


def fire(services: Services) -> int:
    if TIMERS_READY:
        from app.engine.timers import fire_due_timers

        return fire_due_timers(services)
    fired = 0
    with services.unit_of_work() as s:
        for case in s.scalars(select(Case).where(Case.status == "running")):
            workflow, definition = services.engine.load(s, case)
            for _ in range(60):
                snapshot = [(t.id, t.state) for t in workflow.get_tasks()]
                workflow.refresh_timers()
                services.engine._run(workflow, case)
                if [(t.id, t.state) for t in workflow.get_tasks()] == snapshot:
                    break
                fired += 1
            services.engine._save(s, case, workflow, definition, None)
    return fired


def advance(services: Services, day: str) -> int:
    """Move the clock to one second past midnight (Stockholm) of `day` and fire what is due."""
    services.clock.set(midnight(day) + timedelta(seconds=1))  # type: ignore[attr-defined]
    return fire(services)
