"""Driving the timer fixtures (app.driving.case_driver): deploy, start a case with data, move the clock, sweep,
read events."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.core.clock import ManualClock
from app.driving.case_driver import CaseDriver, move_clock, start_case
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
    return start_case(services, municipality, ORG_A, process_id=process_id, data=data)


def case_row(services: Services, case_id: int) -> Case:
    return CaseDriver(services, case_id).case()


def move(services: Services, when: datetime) -> int:
    assert isinstance(services.clock, ManualClock)
    return move_clock(services, when)


def fired(services: Services, case_id: int | None = None) -> list[CaseEvent]:
    with services.unit_of_work() as s:
        query = select(CaseEvent).where(CaseEvent.kind == "timer_fired").order_by(CaseEvent.id)
        if case_id is not None:
            query = query.where(CaseEvent.case_id == case_id)
        return list(s.scalars(query))


def open_tasks(services: Services, case_id: int) -> list[OpenTask]:
    """The open tasks by name."""
    return sorted(CaseDriver(services, case_id).open_tasks(), key=lambda t: t.name)


def complete(services: Services, case_id: int, name: str, data: dict[str, Any] | None = None) -> None:
    CaseDriver(services, case_id).complete(name, data)
