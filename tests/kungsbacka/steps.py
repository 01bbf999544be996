"""Valid data for Kungsbacka's tasks, Kungsbacka's people, and thin helpers that drive a case."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.domain.accounts import add_organisation, add_user
from app.domain.kungsbacka import CRITERIA, PREREQUISITES
from app.driving.case_driver import CaseDriver, TaskNotOpen, local_moment, move_clock, set_clock, start_case
from app.models import Case, User
from app.models.agreement import Agreement
from app.services import Services
from tests.conftest import PASSWORD

MUNICIPALITY = "kungsbacka"
PROCESS = "kungsbacka_agreement"
ORG = "802400-0005"  # Föreningen Gemenskap (tests/conftest.py: org_a)
PARTNER = "802470-0000"  # Stödcentrum (org_b): a further party, and "another organisation"
INITIATIVE = {"initiative_title": "Arbetsmarknadsinsats för unga", "initiative_description": "Vi vill möta unga "
              "som står långt från arbetsmarknaden tillsammans med civilsamhället.",
              "invitation_message": "Välkomna att beskriva er del av partnerskapet."}
PROPOSAL: dict[str, Any] = {
    "organisation_name": "Föreningen Gemenskap", "org_number": ORG, "legal_form": "ideell_forening",
    "activity_title": "Vägen till arbete", "description": "Mentorer och praktikplatser för unga vuxna.",
    "societal_challenge": "Unga som står långt från arbetsmarknaden.", "goals": "Fler unga i arbete eller studier.",
    "target_group": "Unga vuxna 18–29 år", "contact_name": "Eva Lund", "contact_email": "eva@example.org"}
BUDGET: dict[str, Any] = {
    "yearly_support_sek": 300000, "municipality_resources": "En arbetsmarknadskonsulent på halvtid",
    "municipality_resources_value_sek": 250000, "own_funds_sek": 40000, "volunteer_hours_per_year": 800,
    "volunteer_hour_value_sek": 250, "other_resources": "Lokal i Kungsbacka centrum",
    "other_resources_value_sek": 60000,
    "parties": [{"name": "Stödcentrum", "org_number": PARTNER, "money_sek": 20000, "resources": "Två handledare",
                 "resources_value_sek": 90000}],
    "period_start": "2027-01-01", "period_years": 3, "statistics": ["deltagare", "deltagare i arbete"],
    "repayment_rule": "pro_rata"}
CRITERIA_MET = {**{key: True for key in CRITERIA},
                **{f"{key}_reason": "Uppfyllt enligt underlaget." for key in CRITERIA}}
PREREQUISITES_MET = {**{key: True for key in PREREQUISITES},
                     **{f"{key}_reason": "Prövat och uppfyllt." for key in PREREQUISITES}}
DECISION: dict[str, Any] = {"enters": True, "decision_date": "2026-12-10", "minute_reference": "GAN § 45",
                            "payment_interval": "yearly", "decision_feedback": "Välkomna som partner."}
PAYMENT = {"paid_on": "2027-01-04", "payment_reference": "VER-K1"}
REPORT = {"income_statement": [], "balance_sheet": [], "activity_description": "Ett bra första år.",
          "statistics_values": {"deltagare": 42, "deltagare i arbete": 17}}
APPROVE = {"dialogue_date": "2027-11-15", "follow_up_approved": True, "follow_up_feedback": "Godkänd."}

KUNGSBACKA_STAFF = [("kb_officer", "officer"), ("kb_lawyer", "lawyer"), ("kb_board", "board"),
                    ("kb_finance", "finance")]


def add_people(services: Services, password_hash: str) -> None:
    """Kungsbacka's staff (the conftest's `people` adds the organisations and Falun's staff)."""
    with services.unit_of_work() as s:
        for username, role in KUNGSBACKA_STAFF:
            add_user(s, services.clock, username, PASSWORD, role, municipality=MUNICIPALITY,
                     email=f"{username}@example.org", password_hash=password_hash)


def add_organisation_account(services: Services, password_hash: str, name: str, number: str, username: str) -> None:
    with services.unit_of_work() as s:
        add_organisation(s, services.clock, name, number, f"{username}@example.org")
        add_user(s, services.clock, username, PASSWORD, "organisation", organisation=number,
                 password_hash=password_hash)


def start_by_organisation(services: Services, actor: str = "org_a") -> int:
    return start_case(services, MUNICIPALITY, ORG, process_id=PROCESS, actor=actor)


def start_by_officer(services: Services, org: str = ORG) -> int:
    return start_case(services, MUNICIPALITY, org, process_id=PROCESS, actor="kb_officer")


def names(services: Services, case_id: int) -> list[str]:
    return CaseDriver(services, case_id).names()


def complete(services: Services, case_id: int, name: str, data: dict[str, Any], actor: str | None) -> Case:
    try:
        return CaseDriver(services, case_id).complete(name, data, actor)
    except TaskNotOpen as exc:
        raise AssertionError(str(exc)) from exc


def to_criteria(services: Services, case_id: int, budget: dict[str, Any] | None = None) -> None:
    complete(services, case_id, "proposal", PROPOSAL, "org_a")
    complete(services, case_id, "budget", budget or BUDGET, "kb_officer")


def to_decision(services: Services, case_id: int) -> None:
    to_criteria(services, case_id)
    complete(services, case_id, "criteria", CRITERIA_MET, "kb_officer")
    complete(services, case_id, "legal_review", PREREQUISITES_MET, "kb_lawyer")


def case(services: Services, case_id: int) -> Case:
    return CaseDriver(services, case_id).case()


def agreement(services: Services, case_id: int) -> Agreement:
    with services.unit_of_work() as s:
        row = s.scalar(select(Agreement).where(Agreement.case_id == case_id))
        assert row is not None
        for rel in (row.periods, row.payments, row.follow_ups, row.claim):
            _ = rel
        s.expunge_all()
        return row


def user_id(services: Services, username: str) -> int:
    with services.unit_of_work() as s:
        found = s.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return found


def midnight(day: str | date) -> datetime:
    return local_moment(date.fromisoformat(str(day)))


def at(services: Services, day: str) -> None:
    set_clock(services, midnight(day) + timedelta(hours=9))


def advance(services: Services, day: str) -> int:
    return move_clock(services, midnight(day) + timedelta(seconds=1))


def _workflow_value(services: Services, case_id: int, name: str) -> Any:
    with services.unit_of_work() as s:
        found = s.get(Case, case_id)
        assert found is not None
        workflow, _ = services.engine.load(s, found)
        for task in workflow.get_tasks(state=TaskState.READY):
            if name in task.data:
                return task.data[name]
        raise AssertionError(f"no open task carries {name}")


def budget_overview(services: Services, case_id: int) -> list[dict[str, Any]]:
    """Every party's yearly contribution as the budget check counted it."""
    return list(_workflow_value(services, case_id, "budget_check")["parties"])


def budget_problems(services: Services, case_id: int) -> str:
    return str(_workflow_value(services, case_id, "budget_check")["message"])
