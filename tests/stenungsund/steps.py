"""Valid data for Stenungsund's tasks, and thin helpers over app.driving.case_driver that drive a case."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.domain.accounts import add_user
from app.domain.agreements.requirements import CRITERIA, DOCUMENTS
from app.driving.case_driver import CaseDriver, TaskNotOpen, local_moment, move_clock, set_clock, start_case
from app.models import Case, OpenTask
from app.models.agreement import Agreement
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH

ORG = "802400-0005"
INTEREST: dict[str, Any] = {
    "organisation_name": "Kvinnojouren i Stenungsund", "org_number": ORG, "legal_form": "ideell_forening",
    "activity_title": "Skyddat boende och stödsamtal", "description": "Jour, stödsamtal och skyddat boende.",
    "field_of_activity": "individual_family_care", "contact_name": "Karin Ek", "contact_email": "karin@example.org",
    **{key: True for key in CRITERIA},
}
DIALOGUE = {"meeting_date": "2025-09-01", "participants": "Karin Ek, handläggare", "shared_goal": "Trygghet",
            "shared_values": "Socialtjänstlagens värderingar", "purpose": "Stöd till våldsutsatta",
            "minutes": "Vi enades om målbilden.", "dialogue_complete": True}
PLAN: dict[str, Any] = {"yearly_support_sek": 400000, "period_start": "2026-01-01", "period_years": 5,
                        "own_funds_sek": 50000, "volunteer_hours_per_year": 1200, "volunteer_hour_value_sek": 250,
                        "statistics": ["individkontakter", "unika personer"], "repayment_rule": "pro_rata"}
DOCS = {key: [] for key in DOCUMENTS}
ALL_RECEIVED = {f"{key}_received": True for key in DOCUMENTS}
SUITABLE = {"capacity": "God", "local_development_assessment": "Stark", "own_resources": "Volontärer",
            "results_implementation": "Årlig rapport", "innovation": "Nya metoder", "suitable": True,
            "suitability_feedback": "Lämplig."}
DECISION: dict[str, Any] = {"board_enters": True, "decision_date": "2025-11-20", "minute_reference": "KS § 123"}
PAYMENT = {"paid_on": "2026-01-02", "payment_reference": "VER-1"}
REPORT = {"income_statement": [], "balance_sheet": [], "activity_description": "Ett bra år.",
          "statistics_values": {"individkontakter": 340, "unika personer": 85}}
APPROVE = {"dialogue_date": "2026-11-15", "follow_up_approved": True, "follow_up_feedback": "Godkänd."}
RETURN = {"dialogue_date": "2026-11-15", "follow_up_approved": False, "follow_up_feedback": "Balansräkning saknas."}


def start(services: Services) -> int:
    return start_case(services, "stenungsund", ORG, process_id="stenungsund_agreement")


def open_tasks(services: Services, case_id: int) -> list[OpenTask]:
    return CaseDriver(services, case_id).open_tasks()


def names(services: Services, case_id: int) -> list[str]:
    return CaseDriver(services, case_id).names()


def complete(services: Services, case_id: int, name: str, data: dict[str, Any]) -> Case:
    try:
        return CaseDriver(services, case_id).complete(name, data)
    except TaskNotOpen as exc:
        raise AssertionError(str(exc)) from exc


def terminate(services: Services, case_id: int, on: str, reason: str) -> None:
    from app.domain.agreements.actions import terminate_agreement

    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        terminate_agreement(s, services.engine, case, None, on, reason)


def to_decision(services: Services, plan: dict[str, Any] | None = None,
                decision: dict[str, Any] | None = None, today: str = "2025-11-20") -> int:
    set_clock(services, midnight(today))
    case_id = start(services)
    CaseDriver(services, case_id).complete_all(
        [("interest", INTEREST), ("dialogue", DIALOGUE), ("economic_plan", plan or PLAN), ("documents", DOCS),
         ("documents_check", ALL_RECEIVED), ("suitability", SUITABLE), ("board_decision", decision or DECISION)])
    return case_id


def agreement(services: Services, case_id: int) -> Agreement:
    with services.unit_of_work() as s:
        row = s.scalar(select(Agreement).where(Agreement.case_id == case_id))
        assert row is not None
        for rel in (row.periods, row.payments, row.follow_ups, row.claim):
            _ = rel
        s.expunge_all()
        return row


def midnight(day: str | date) -> datetime:
    return local_moment(date.fromisoformat(str(day)))


def advance(services: Services, day: str) -> int:
    """Move the injected clock to one second past midnight (Stockholm) of `day` and run the real timer sweep."""
    return move_clock(services, midnight(day) + timedelta(seconds=1))


def add_staff(services: Services, *roles: str) -> None:
    """Stenungsund staff for the tests: a user `st_<role>` per role (officer, finance, board, ...), logging in
    with the tests' PASSWORD (stored as the cheap PASSWORD_HASH)."""
    with services.unit_of_work() as s:
        for role in roles:
            add_user(s, services.clock, f"st_{role}", PASSWORD, role, municipality="stenungsund",
                     password_hash=PASSWORD_HASH)
