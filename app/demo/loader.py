"""Load the demo: for each municipality in MUNICIPALITIES, its organisations and users, then its cases.

Idempotent: users and organisations are created when missing; a municipality's cases only when it has none.
Every date is counted from the services' "today" (the real date in a deployment, the test clock in
tests), so the demo tells the same story whichever day it is loaded. A municipality's demo is data in one
module of this package (falun.py, stenungsund.py, gavle.py,
kungsbacka.py); adding one is a new module and a line below.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.demo import falun, gavle, kungsbacka, stenungsund
from app.demo.agreement import run_agreement_case
from app.demo.initiative import StepsCase, run_steps_case
from app.demo.municipality import DemoCase, MunicipalityDemo
from app.demo.people import ensure_people
from app.domain.accounts import municipality_by_slug
from app.driving.case_driver import CaseDriver
from app.models import Case
from app.services import Services

# the order they load in (Falun's users include the administrator)
MUNICIPALITIES: tuple[MunicipalityDemo, ...] = (falun.DEMO, stenungsund.DEMO, gavle.DEMO,
                                                 kungsbacka.DEMO)


def load_demo(services: Services) -> list[str]:
    """Load every municipality's demo; one report line per organisation, user and case made."""
    report: list[str] = []
    for demo in MUNICIPALITIES:
        report.extend(load_municipality(services, demo))
    if not report:
        report.append("demo data already loaded")
    return report


def load_municipality(services: Services, demo: MunicipalityDemo) -> list[str]:
    report = ensure_people(services, demo.organisations, demo.users)
    with services.unit_of_work() as session:
        municipality = municipality_by_slug(session, demo.slug)
        if session.scalar(select(Case.id).where(Case.municipality_id == municipality.id).limit(1)) is not None:
            return report
    now = services.clock.now()
    for spec in demo.cases(services.clock.today()):
        case = CaseDriver(services, _run(services, demo, spec, now)).case()
        report.append(f"case {case.registration_number}: {case.current_step or case.status}")
    return report


def _run(services: Services, demo: MunicipalityDemo, spec: DemoCase, now: datetime) -> int:
    if isinstance(spec, StepsCase):
        return run_steps_case(services, demo.slug, demo.process_id, spec)
    return run_agreement_case(services, demo.slug, demo.process_id, spec, now)
