"""A spread of cases for the case-list tests, inserted directly (the list reads rows, not workflows): two
municipalities, two organisations, each status, open tasks of several roles with due dates around now."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.search import case_search_text, task_search_text
from app.models import Case, DefinitionVersion, Municipality, OpenTask, Organisation, User
from app.services import Services
from tests.conftest import ORG_A, ORG_B, START
from tests.web.pages import Browser


@dataclass(frozen=True)
class Spec:
    reg: str
    muni: str
    org: str
    status: str
    created_days: int  # days after START
    updated_days: int
    tasks: tuple[tuple[str, str, str, int | None], ...] = ()  # name, title, role, due in days from START
    title: str = ""


# name, title, role of the steps used below
LEGAL = ("legal_assessment", "Juridisk bedömning", "lawyer")
DECISION = ("department_decision", "Förvaltningens beslut", "officer")
CHECKLIST = ("checklist", "Checklista", "organisation")
PAY = ("pay", "Betala ut", "finance")

SPECS = (
    Spec("KS 2026/0001", "falun", ORG_A, "running", 0, 1, ((*LEGAL, -2),), "Läxhjälp 50% mer"),
    Spec("KS 2026/0002", "falun", ORG_A, "running", 1, 5, ((*DECISION, 3),)),
    Spec("KS 2026/0003", "falun", ORG_B, "running", 2, 2, ((*CHECKLIST, None),), "=HYPERLINK(\"x\")"),
    Spec("KS 2026/0010", "falun", ORG_B, "completed", 3, 9),
    Spec("KS 2026/0011", "falun", ORG_A, "failed", 4, 4, ((*PAY, 20),)),
    Spec("KS 2027/0001", "falun", ORG_B, "running", 5, 6, ((*LEGAL, 10), (*PAY, 1))),
    Spec("KS 2027/0002", "falun", ORG_A, "suspended", 6, 7, ((*DECISION, -5),)),
    Spec("KS 2027/0003", "falun", ORG_B, "cancelled", 7, 8),
    Spec("KS 2026/0001", "stenungsund", ORG_A, "running", 0, 0, ((*LEGAL, -1),), "Stenungsund hemlig"),
    Spec("KS 2026/0002", "stenungsund", ORG_B, "completed", 1, 1),
)
FALUN = [s for s in SPECS if s.muni == "falun"]


def insert_cases(services: Services, specs: tuple[Spec, ...] | list[Spec]) -> dict[tuple[str, str], int]:
    """The cases as rows (with their open tasks); (municipality, registration number) -> case id."""
    made: dict[tuple[str, str], int] = {}
    with services.unit_of_work() as s:
        munis = {m.slug: m.id for m in s.scalars(select(Municipality))}
        orgs = {o.org_number: o for o in s.scalars(select(Organisation))}
        definitions = {d.process_id: d.id for d in s.scalars(select(DefinitionVersion))}
        for spec in specs:
            org = orgs[spec.org]
            process = "falun_initiative" if spec.muni == "falun" else "stenungsund_agreement"
            title = spec.title or f"IOP med {org.name}"
            case = Case(municipality_id=munis[spec.muni], organisation_id=org.id, definition_id=definitions[process],
                        registration_number=spec.reg, title=title, search_text=case_search_text(spec.reg, title),
                        status=spec.status,
                        outcome="approved" if spec.status == "completed" else None,
                        current_step=", ".join(t[1] for t in spec.tasks), feedback=[], summary={},
                        workflow_json="{}", serializer_version="1",
                        created_at=START + timedelta(days=spec.created_days),
                        updated_at=START + timedelta(days=spec.updated_days))
            s.add(case)
            s.flush()
            for name, title, role, due in spec.tasks:
                s.add(OpenTask(id=str(uuid.uuid4()), case_id=case.id, municipality_id=case.municipality_id,
                               organisation_id=org.id, registration_number=case.registration_number,
                               name=name, title=title, search_text=task_search_text(title, case.registration_number),
                               role=role, due_at=None if due is None else START + timedelta(days=due), created_at=START,
                               meta={}))
            made[(spec.muni, spec.reg)] = case.id
    return made


@pytest.fixture
def spread(services: Services, people: dict[str, User]) -> dict[tuple[str, str], int]:
    return insert_cases(services, SPECS)


def regs(items: list[dict[str, Any]]) -> list[str]:
    return [item["registration_number"] for item in items]


def now_of(services: Services) -> datetime:
    return services.clock.now()


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)
