"""Demo data for Falun: the roles' users, two organisations and initiatives at each step, dated from today.

Idempotent: users and organisations are created when missing; demo cases only once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select

from app.core.calendar import add_months, at_local_time
from app.core.clock import ManualClock
from app.demo_common import DEMO_LOGIN, DEMO_PASSWORD, ensure_people, user_for
from app.demo_stenungsund import load_stenungsund_demo
from app.domain.accounts import municipality_by_slug
from app.domain.agreements.payments import period_end
from app.models import Case, OpenTask, Organisation, User
from app.services import Services
from app.simulation import with_clock

__all__ = ["DEMO_LOGIN", "DEMO_PASSWORD", "load_demo"]

ORGANISATIONS = [
    ("Föreningen Gemenskap i Falun", "802400-0005", "kontakt@gemenskap-falun.example"),
    ("Stödcentrum Dalarna", "802470-0000", "info@stodcentrum.example"),
]

# Only roles that Falun's process gives work: it has no board or finance step, so no such demo user
# (a user with nothing to see would only confuse a first look); the admin can add them when Falun needs them.
USERS: list[dict[str, Any]] = [
    {"username": "anna", "role": "organisation", "organisation": "802400-0005", "name": "Anna Ek (Gemenskap i Falun)"},
    {"username": "bo", "role": "organisation", "organisation": "802470-0000", "name": "Bo Lind (Stödcentrum Dalarna)"},
    {"username": "lena", "role": "lawyer", "municipality": "falun", "name": "Lena Berg, stadsjurist"},
    {"username": "olle", "role": "officer", "municipality": "falun", "name": "Olle Sand, handläggare"},
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


def _draft(purpose: str, today: date, amount: int, contribution: str) -> dict[str, Any]:
    """A draft agreement starting on the first of the month three months from `today`, for three years."""
    start = add_months(today.replace(day=1), 3)
    return {"agreement_purpose": purpose, "period_start": start.isoformat(),
            "period_end": period_end(start, 3).isoformat(), "municipal_contribution_sek": amount,
            "organisation_contribution": contribution}


BO = {"contact_name": "Bo Lind", "contact_email": "bo.lind@stodcentrum.example"}
LEGAL_OK = {"iop_right_form": True, "motivation": "Verksamheten är inte upphandlingspliktig och bygger på "
            "föreningens eget initiativ."}
DEPARTMENT_YES = {"department": "Omsorgsförvaltningen", "set_up_iop": True,
                  "feedback_to_organisation": "Vi vill gärna upprätta ett IOP med er."}


@dataclass
class FalunCase:
    org_number: str
    days_ago: int  # the organisation began the case this many days before today
    steps: list[tuple[str, dict[str, Any]]]  # tasks completed in order, one every few days


def falun_cases(today: date) -> list[FalunCase]:
    """Falun's initiatives, one at each step worth showing, every date counted from `today`."""
    seniors = _draft("Minska ofrivillig ensamhet bland äldre.", today, 250_000,
                     "Lokal, 1 200 volontärtimmar per år")
    homework = _draft("Fler nyanlända barn klarar skolans mål.", today, 180_000,
                      "Volontärer, 800 timmar per år")
    choir = _draft("Gemenskap genom sång för personer med demens och deras anhöriga.", today, 90_000,
                   "Körledare och lokal")
    begun = [("checklist", CHECKLIST_ALL_YES)]
    return [
        # new: the organisation has begun and not yet sent its checklist
        FalunCase("802400-0005", 1, []),
        # at the legal assessment (lena)
        FalunCase("802400-0005", 9, [*begun, ("initiative", INITIATIVE)]),
        # at the department's decision (olle)
        FalunCase("802470-0000", 21, [*begun, ("initiative", {**INITIATIVE, **BO,
                                                              "activity_title": "Stödgrupper för unga anhöriga"}),
                                      ("legal_assessment", LEGAL_OK)]),
        # a draft for the organisation to review (bo)
        FalunCase("802470-0000", 48, [*begun, ("initiative", {**INITIATIVE, **BO,
                                                              "activity_title": "Mötesplats för seniorer"}),
                                      ("legal_assessment", LEGAL_OK), ("department_decision", DEPARTMENT_YES),
                                      ("draft_agreement", seniors)]),
        # at the final legal review (lena)
        FalunCase("802400-0005", 62, [*begun, ("initiative", {**INITIATIVE, "activity_title": "Läxhjälp i Slätta"}),
                                      ("legal_assessment", LEGAL_OK), ("department_decision", DEPARTMENT_YES),
                                      ("draft_agreement", homework),
                                      ("review_draft", {"draft_accepted": True})]),
        # decided: the agreement is legally approved
        FalunCase("802470-0000", 90, [*begun, ("initiative", {**INITIATIVE, **BO,
                                                              "activity_title": "Kör för personer med demens"}),
                                      ("legal_assessment", LEGAL_OK), ("department_decision", DEPARTMENT_YES),
                                      ("draft_agreement", choir),
                                      ("review_draft", {"draft_accepted": True}),
                                      ("final_review", {"agreement_legally_correct": True,
                                                        "review_comments": "Avtalet är juridiskt korrekt."})]),
        # decided: ended, IOP was the wrong contract form
        FalunCase("802400-0005", 30, [*begun, ("initiative", {**INITIATIVE, "activity_title": "Sommarlovsaktiviteter"}),
                                      ("legal_assessment", {"iop_right_form": False,
                                                            "alternative_form": "association_grant",
                                                            "motivation": "Kortvarig aktivitet som passar som "
                                                                          "föreningsbidrag."})]),
    ]


def load_demo(services: Services) -> list[str]:
    report = ensure_people(services, ORGANISATIONS, USERS)
    with services.unit_of_work() as session:
        falun = municipality_by_slug(session, "falun")
        present = session.scalar(select(Case.id).where(Case.municipality_id == falun.id).limit(1)) is not None
    if not present:
        for spec in falun_cases(services.clock.today()):
            report.append(_demo_case(services, spec))
    report.extend(load_stenungsund_demo(services))
    if not report:
        report.append("demo data already loaded")
    return report


def _demo_case(services: Services, spec: FalunCase) -> str:
    """Start the case `days_ago` days back and complete its steps on the days between then and today."""
    now = services.clock.now()
    begun = services.clock.today() - timedelta(days=spec.days_ago)
    gap = max(spec.days_ago // (len(spec.steps) + 1), 1) if spec.steps else 0
    clock = ManualClock(min(at_local_time(begun, time(10, 0), services.clock.tz), now), tz=str(services.clock.tz))
    history = with_clock(services, clock)
    with history.unit_of_work() as session:
        org = session.scalars(select(Organisation).where(Organisation.org_number == spec.org_number)).one()
        starter = session.scalars(select(User).where(User.organisation_id == org.id).order_by(User.id)).first()
        case = history.engine.start_case(session, municipality=municipality_by_slug(session, "falun"),
                                         organisation=org, process_id="falun_initiative", actor=starter)
        for number, (task_name, data) in enumerate(spec.steps, start=1):
            moment = at_local_time(begun + timedelta(days=gap * number), time(10, 0) if number % 2 else
                                   time(14, 30), services.clock.tz)
            if clock.now() < moment < now:
                clock.set(moment)
            task = session.scalars(select(OpenTask).where(OpenTask.case_id == case.id,
                                                          OpenTask.name == task_name)).one()
            history.engine.complete_task(session, case, task.id, user_for(session, task), data)
        return f"case {case.registration_number}: {case.current_step or case.status}"
