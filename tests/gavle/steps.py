"""Valid data for Gävle's tasks (processes/gavle_agreement.bpmn) and helpers that drive a case."""

from __future__ import annotations

from typing import Any

from app.driving.case_driver import CaseDriver, TaskNotOpen, set_clock, start_case
from app.models import Case
from app.services import Services
from tests.stenungsund.steps import midnight

MUNICIPALITY = "gavle"
PROCESS = "gavle_agreement"
ORG = "802400-0005"
DOC_KEYS = ["doc_statutes", "doc_idea_and_activity", "doc_annual_meeting_minutes", "doc_activity_report",
            "doc_financial_report", "doc_audit_report", "doc_plan_and_board", "doc_member_count"]
INTEREST: dict[str, Any] = {
    "organisation_name": "Gävle Stadsmission", "org_number": ORG, "legal_form": "ideell_forening",
    "activity_title": "Öppen mötesplats för personer i hemlöshet",
    "description": "Dagverksamhet med mat, samtal och stöd för personer i hemlöshet.",
    "field_of_activity": "individual_family_care", "contact_name": "Anna Lind", "contact_email": "anna@example.org"}
PRINCIPLES: dict[str, Any] = {
    "democratic_principles": True, "promotes_inclusion": True, "gender_equality": True,
    "counteracts_discrimination": True, "principles_assessment": "Stadgar och verksamhet granskade.",
    "principles_approved": True}
REFUSED_PRINCIPLES: dict[str, Any] = dict(
    PRINCIPLES, gender_equality=False, principles_approved=False,
    principles_feedback="Styrelsen består bara av män och föreningen har ingen plan för jämställdhet.")
MEETING: dict[str, Any] = {
    "meeting_held": True, "meeting_date": "2025-09-01", "participants": "Anna Lind, IOP-handläggare",
    "minutes": "Vi diskuterade behoven och målgruppen.", "dialogue_complete": False}
GO_ON: dict[str, Any] = {
    "meeting_held": True, "meeting_date": "2025-09-22", "participants": "Anna Lind, socialchef, handläggare",
    "minutes": "Vi enades om mål, värdegrund och uppdrag.", "dialogue_complete": True,
    "shared_goal": "Fler personer i hemlöshet får stöd till eget boende.",
    "shared_values": "Allas lika värde och människors egen kraft.",
    "purpose": "Personer i hemlöshet i Gävle; dagverksamhet och stödsamtal."}
GO_ON_WITHOUT_MEETING: dict[str, Any] = {k: v for k, v in GO_ON.items()
                                         if k not in ("meeting_date", "participants", "minutes")} | {
    "meeting_held": False}
IN_KIND: list[dict[str, Any]] = [
    {"party": "municipality", "kind": "staff", "description": "Socialsekreterare 20 %", "value_sek_per_year": 150000},
    {"party": "municipality", "kind": "premises", "description": "Lokal på Norra Kungsgatan",
     "value_sek_per_year": 120000},
    {"party": "organisation", "kind": "competence", "description": "Diakon med samtalsutbildning",
     "value_sek_per_year": 80000}]
PLAN: dict[str, Any] = {"yearly_support_sek": 300000, "period_start": "2026-01-01", "period_years": 3,
                        "own_funds_sek": 40000, "volunteer_hours_per_year": 800, "volunteer_hour_value_sek": 250,
                        "in_kind_resources": IN_KIND, "statistics": ["besökare", "stödsamtal"],
                        "repayment_rule": "pro_rata"}
DOCS: dict[str, Any] = {key: [] for key in DOC_KEYS}
ALL_THERE = {f"{key}_status": "received" for key in DOC_KEYS} | {"doc_member_count_status": "not_existing"}
DECISION: dict[str, Any] = {"board_enters": True, "decision_date": "2025-11-20", "minute_reference": "SN § 88"}
PAYMENT = {"paid_on": "2026-01-02", "payment_reference": "VER-1"}
REPORT = {"income_statement": [], "balance_sheet": [], "activity_description": "Ett bra år.",
          "statistics_values": {"besökare": 1200, "stödsamtal": 300}}
APPROVE = {"dialogue_date": "2026-11-15", "follow_up_approved": True, "follow_up_feedback": "Godkänd."}

PREPARATION: list[tuple[str, dict[str, Any]]] = [
    ("interest", INTEREST), ("principles", PRINCIPLES), ("dialogue", MEETING), ("dialogue", GO_ON),
    ("economic_plan", PLAN), ("documents", DOCS), ("documents_check", ALL_THERE), ("committee_decision", DECISION)]


def start(services: Services, today: str = "2025-08-20") -> int:
    set_clock(services, midnight(today))
    return start_case(services, MUNICIPALITY, ORG, process_id=PROCESS)


def names(services: Services, case_id: int) -> list[str]:
    return CaseDriver(services, case_id).names()


def complete(services: Services, case_id: int, name: str, data: dict[str, Any]) -> Case:
    try:
        return CaseDriver(services, case_id).complete(name, data)
    except TaskNotOpen as exc:
        raise AssertionError(str(exc)) from exc


def case_of(services: Services, case_id: int) -> Case:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        s.expunge(case)
        return case


def task_data(services: Services, case_id: int, name: str) -> dict[str, Any]:
    """The data of the open (ready) task `name` in the case's workflow."""
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        workflow, _ = services.engine.load(s, case)
        [task] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == name and t.state == 16]
        return dict(task.data)
