"""Incidents: a test diagram whose service step a test breaks and mends, and administrators per municipality."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.accounts import add_user
from app.models import Case, CaseEvent, OpenTask, User
from app.services import Services, deploy_processes
from handlers import Handler, registry
from tests.conftest import PASSWORD
from tests.incidents import probe
from tests.timers.helpers import start

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def service_handlers() -> dict[str, Handler]:
    """The engine's handlers with the probe: the probe diagram's service step calls it."""
    return {**registry(), **probe.HANDLERS}


@pytest.fixture
def broken() -> Iterator[dict[str, bool]]:
    """The probe's switch: broken["broken"] = True makes the step 'Beräkna bidrag' fail."""
    probe.STATE["broken"] = True
    yield probe.STATE
    probe.STATE["broken"] = False


@pytest.fixture
def admins(services: Services, people: dict[str, User], password_hash: str) -> dict[str, User]:
    """Falun's administrator and Stenungsund's (besides the global `admin` of `people`)."""
    with services.unit_of_work() as s:
        made = {"falun_admin": add_user(s, services.clock, "falun_admin", PASSWORD, "admin", municipality="falun",
                                        email="falun_admin@example.org", password_hash=password_hash),
                "sten_admin": add_user(s, services.clock, "sten_admin", PASSWORD, "admin",
                                       municipality="stenungsund", password_hash=password_hash)}
    deploy_processes(services, FIXTURES)
    return {**people, **made}


def failed_case(services: Services) -> int:
    """A case of the probe diagram stopped at 'Beräkna bidrag' (the probe must be broken)."""
    case_id = start(services, "incident_probe", {})
    [task] = open_tasks(services, case_id)
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        services.engine.complete_task(s, case, task.id, None, {})
    return case_id


def open_tasks(services: Services, case_id: int) -> list[OpenTask]:
    with services.unit_of_work() as s:
        return list(s.scalars(select(OpenTask).where(OpenTask.case_id == case_id).order_by(OpenTask.name)))


def events(services: Services, case_id: int, kind: str) -> list[CaseEvent]:
    with services.unit_of_work() as s:
        return list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
                              .order_by(CaseEvent.id)))


def case_row(services: Services, case_id: int) -> Case:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def as_api(api: Any, username: str) -> Any:
    return api(username)
