"""Gävle before the agreement: the committee's check of principles, idea meetings, the plan, documents, decision."""

from __future__ import annotations

from typing import Any

from app.services import Services
from tests.gavle import steps
from tests.stenungsund.steps import agreement


def test_refused_at_the_principles_check_with_reasons(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    assert steps.names(services, case_id) == ["principles"]
    steps.complete(services, case_id, "principles", steps.REFUSED_PRINCIPLES)
    case = steps.case_of(services, case_id)
    assert (case.status, case.outcome) == ("completed", "principles_not_met")
    assert case.feedback[-1]["text"] == steps.REFUSED_PRINCIPLES["principles_feedback"]


def test_one_criterion_unmet_refuses_even_if_approved_by_mistake(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    steps.complete(services, case_id, "principles", dict(steps.PRINCIPLES, counteracts_discrimination=False,
                                                         principles_feedback="Diskriminering motverkas inte."))
    assert steps.case_of(services, case_id).outcome == "principles_not_met"


def test_no_agreement_before_an_idea_meeting(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    steps.complete(services, case_id, "principles", steps.PRINCIPLES)
    steps.complete(services, case_id, "dialogue", steps.GO_ON_WITHOUT_MEETING)
    assert steps.names(services, case_id) == ["dialogue"]
    data = steps.task_data(services, case_id, "dialogue")
    assert data["idea_meeting_count"] == 0
    assert data["idea_meeting_refusal"].startswith("Ingen överenskommelse kan tas fram innan minst ett idémöte")
    steps.complete(services, case_id, "dialogue", steps.MEETING)
    steps.complete(services, case_id, "dialogue", steps.GO_ON_WITHOUT_MEETING)
    assert steps.names(services, case_id) == ["economic_plan"]


def test_meetings_are_recorded_in_order(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in steps.PREPARATION[:4]:
        steps.complete(services, case_id, name, data)
    data = steps.task_data(services, case_id, "economic_plan")
    assert [(m["date"], m["participants"]) for m in data["idea_meetings"]] == [
        ("2025-09-01", "Anna Lind, IOP-handläggare"), ("2025-09-22", "Anna Lind, socialchef, handläggare")]


def test_a_missing_document_asks_for_completion_but_one_that_does_not_exist_does_not(
        services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in steps.PREPARATION[:6]:
        steps.complete(services, case_id, name, data)
    steps.complete(services, case_id, "documents_check", dict(
        steps.ALL_THERE, doc_audit_report_status="missing", completion_request="Revisionsberättelsen saknas."))
    assert steps.names(services, case_id) == ["documents"]
    assert steps.task_data(services, case_id, "documents")["missing_documents"] == ["Revisionsberättelse"]
    steps.complete(services, case_id, "documents", steps.DOCS)
    steps.complete(services, case_id, "documents_check", steps.ALL_THERE)
    assert steps.names(services, case_id) == ["committee_decision"]


def test_committee_declines(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in steps.PREPARATION[:-1]:
        steps.complete(services, case_id, name, data)
    steps.complete(services, case_id, "committee_decision", dict(steps.DECISION, board_enters=False,
                                                                 board_feedback="Ryms inte i budgeten."))
    case = steps.case_of(services, case_id)
    assert (case.status, case.outcome) == ("completed", "declined_by_committee")


def test_decision_plans_the_agreement_with_resources_that_are_not_money(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in steps.PREPARATION:
        steps.complete(services, case_id, name, data)
    row = agreement(services, case_id)
    assert row.status == "running" and row.current_version == 1
    assert [p.due.isoformat() for p in row.payments] == ["2026-01-01", "2027-01-01", "2028-01-01"]
    assert row.state is not None
    other = row.state["resources"]["other"].replace("\xa0", " ")  # amounts keep their digits together
    assert "Kommunen: personal, Socialsekreterare 20 % (150 000 kr per år)" in other
    assert "Organisationen: kompetens, Diakon med samtalsutbildning (80 000 kr per år)" in other
    assert "kommunen 270 000 kr, organisationen 80 000 kr" in other
