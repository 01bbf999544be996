"""Demo data for Falun: the roles' users, two organisations and cases at different steps.

Idempotent: users and organisations are created when missing; demo cases only once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo_common import DEMO_LOGIN, DEMO_PASSWORD, ensure_people, user_for
from app.demo_stenungsund import load_stenungsund_demo
from app.domain.accounts import municipality_by_slug
from app.models import Case, OpenTask, Organisation, User
from app.services import Services

__all__ = ["DEMO_LOGIN", "DEMO_PASSWORD", "load_demo"]

ORGANISATIONS = [
    ("Föreningen Gemenskap i Falun", "802400-0005", "kontakt@gemenskap-falun.example"),
    ("Stödcentrum Dalarna", "802470-0000", "info@stodcentrum.example"),
]

USERS: list[dict[str, Any]] = [
    {"username": "anna", "role": "organisation", "organisation": "802400-0005", "name": "Anna Ek (Gemenskap i Falun)"},
    {"username": "bo", "role": "organisation", "organisation": "802470-0000", "name": "Bo Lind (Stödcentrum Dalarna)"},
    {"username": "lena", "role": "lawyer", "municipality": "falun", "name": "Lena Berg, stadsjurist"},
    {"username": "olle", "role": "officer", "municipality": "falun", "name": "Olle Sand, handläggare"},
    {"username": "nora", "role": "board", "municipality": "falun", "name": "Nora Holm, nämndsekreterare"},
    {"username": "erik", "role": "finance", "municipality": "falun", "name": "Erik Ström, ekonomi"},
    {"username": "pia", "role": "process_owner", "municipality": "falun", "name": "Pia Dahl, processägare"},
    {"username": "admin", "role": "admin", "name": "Administratör"},
]

CHECKLIST_ALL_YES = {key: True for key in (
    "no_market", "own_initiative", "not_ordered", "not_grant", "shared_values", "solve_together",
    "both_finance", "long_term", "follow_up")}

INITIATIVE = {
    "activity_title": "Språkcafé och läxhjälp för nyanlända",
    "description": "Volontärer håller språkcafé två kvällar i veckan och läxhjälp för barn i årskurs 4-9.",
    "target_group": "Nyanlända vuxna och barn i Falun",
    "contact_name": "Anna Ek",
    "contact_email": "anna.ek@gemenskap-falun.example",
    "contact_phone": "070-123 45 67",
}

# Each demo case: the organisation, then the task data to complete in order.
DEMO_CASES: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    ("802400-0005", []),
    ("802400-0005", [("checklist", CHECKLIST_ALL_YES), ("initiative", INITIATIVE)]),
    ("802470-0000", [
        ("checklist", CHECKLIST_ALL_YES),
        ("initiative", {**INITIATIVE, "activity_title": "Stödgrupper för unga anhöriga",
                        "contact_name": "Bo Lind", "contact_email": "bo.lind@stodcentrum.example"}),
        ("legal_assessment", {"iop_right_form": True, "motivation": "Verksamheten är inte upphandlingspliktig."}),
    ]),
    ("802470-0000", [
        ("checklist", CHECKLIST_ALL_YES),
        ("initiative", {**INITIATIVE, "activity_title": "Mötesplats för seniorer",
                        "contact_name": "Bo Lind", "contact_email": "bo.lind@stodcentrum.example"}),
        ("legal_assessment", {"iop_right_form": True, "motivation": "IOP passar."}),
        ("department_decision", {"department": "Omsorgsförvaltningen", "set_up_iop": True,
                                 "feedback_to_organisation": "Vi vill gärna upprätta ett IOP med er."}),
        ("draft_agreement", {"agreement_purpose": "Minska ofrivillig ensamhet bland äldre.",
                             "period_start": "2027-01-01", "period_end": "2029-12-31",
                             "municipal_contribution_sek": 250000,
                             "organisation_contribution": "Lokal, 1 200 volontärtimmar per år"}),
    ]),
    ("802400-0005", [
        ("checklist", CHECKLIST_ALL_YES),
        ("initiative", {**INITIATIVE, "activity_title": "Sommarlovsaktiviteter"}),
        ("legal_assessment", {"iop_right_form": False, "alternative_form": "association_grant",
                              "motivation": "Kortvarig aktivitet som passar som föreningsbidrag."}),
    ]),
]


def load_demo(services: Services) -> list[str]:
    report = ensure_people(services, ORGANISATIONS, USERS)
    with services.unit_of_work() as session:
        falun = municipality_by_slug(session, "falun")
        if session.scalar(select(Case.id).where(Case.municipality_id == falun.id).limit(1)) is None:
            for org_number, steps in DEMO_CASES:
                case = _demo_case(session, services, org_number, steps)
                report.append(f"case {case.registration_number}: {case.current_step or case.status}")
    report.extend(load_stenungsund_demo(services))
    if not report:
        report.append("demo data already loaded")
    return report


def _demo_case(session: Session, services: Services, org_number: str,
               steps: list[tuple[str, dict[str, Any]]]) -> Case:
    org = session.scalars(select(Organisation).where(Organisation.org_number == org_number)).one()
    starter = session.scalars(select(User).where(User.organisation_id == org.id)).first()
    case = services.engine.start_case(session, municipality=municipality_by_slug(session, "falun"),
                                      organisation=org, process_id="falun_initiative", actor=starter)
    for task_name, data in steps:
        task = session.scalars(select(OpenTask).where(OpenTask.case_id == case.id,
                                                      OpenTask.name == task_name)).one()
        actor = user_for(session, task)
        services.engine.complete_task(session, case, task.id, actor, data)
    return case

