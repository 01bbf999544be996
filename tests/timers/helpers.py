"""Driving the timer fixtures: deploy, start a case with data, move the clock, sweep, read events."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core.clock import ManualClock
from app.domain.accounts import municipality_by_slug, organisation_by_number
from app.jobs.timer_sweep import fire_due_timers
from app.models import Case, CaseEvent, OpenTask
from app.services import Services, deploy_processes
from tests.conftest import ORG_A

FIXTURES = Path(__file__).parent / "fixtures"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(text: str) -> datetime:
    """'2027-05-29 00:00' as an aware Stockholm moment."""
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def deploy(services: Services) -> None:
    deploy_processes(services, FIXTURES)


def start(services: Services, process_id: str, data: dict[str, Any], municipality: str = "falun") -> int:
    with services.unit_of_work() as s:
        case = services.engine.start_case(
            s, municipality=municipality_by_slug(s, municipality), organisation=organisation_by_number(s, ORG_A),
            process_id=process_id, actor=None, data=data)
        return case.id


def case_row(services: Services, case_id: int) -> Case:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def move(services: Services, when: datetime) -> int:
    clock = services.clock
    assert isinstance(clock, ManualClock)
    clock.set(when)
    return fire_due_timers(services)


def fired(services: Services, case_id: int | None = None) -> list[CaseEvent]:
    with services.unit_of_work() as s:
        query = select(CaseEvent).where(CaseEvent.kind == "timer_fired").order_by(CaseEvent.id)
        if case_id is not None:
            query = query.where(CaseEvent.case_id == case_id)
        return list(s.scalars(query))


def open_tasks(services: Services, case_id: int) -> list[OpenTask]:
    with services.unit_of_work() as s:
        return list(s.scalars(select(OpenTask).where(OpenTask.case_id == case_id).order_by(OpenTask.name)))


def complete(services: Services, case_id: int, name: str, data: dict[str, Any] | None = None) -> None:
    [task] = [t for t in open_tasks(services, case_id) if t.name == name]
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        services.engine.complete_task(s, case, task.id, None, data or {})
