"""Before the agreement: interest, dialogue, economic plan, documents, suitability, the board's decision."""

from __future__ import annotations

from typing import Any

from app.domain.orgnumber import with_check_digit
from app.models import Case
from app.services import Services
from tests.stenungsund import steps


def _case(services: Services, case_id: int) -> Case:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        s.expunge(case)
        return case


def test_company_is_refused_with_a_clear_message(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", dict(steps.INTEREST, org_number="556036-0793"))
    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", "refused_company")
    assert "tecknar inte idéburet offentligt partnerskap med företag" in case.feedback[-1]["text"]
    assert "aktiebolag" in case.feedback[-1]["text"]


def test_unmet_criterion_is_named(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", dict(steps.INTEREST, no_market=False))
    case = _case(services, case_id)
    assert case.outcome == "criteria_not_met"
    assert "Det finns ingen marknad" in case.feedback[-1]["text"]


def test_missing_documents_block_the_assessment_with_a_list(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in [("interest", steps.INTEREST), ("dialogue", dict(steps.DIALOGUE, dialogue_complete=False)),
                       ("dialogue", steps.DIALOGUE), ("economic_plan", steps.PLAN), ("documents", steps.DOCS)]:
        steps.complete(services, case_id, name, data)
    partial = dict(steps.ALL_RECEIVED, doc_statutes_received=False, doc_audit_report_received=False)
    steps.complete(services, case_id, "documents_check", dict(partial, completion_request="Komplettera."))
    assert steps.names(services, case_id) == ["documents"]
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        workflow, _ = services.engine.load(s, case)
        [task] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "documents" and t.state == 16]
        assert task.data["missing_documents"] == ["Stadgar", "Revisionsberättelse"]
        assert task.data["missing_documents_message"].endswith("Stadgar; Revisionsberättelse.")
    steps.complete(services, case_id, "documents", steps.DOCS)
    steps.complete(services, case_id, "documents_check", steps.ALL_RECEIVED)
    assert steps.names(services, case_id) == ["suitability"]


def test_invalid_party_and_too_long_period_return_to_the_plan(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in [("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE)]:
        steps.complete(services, case_id, name, data)
    bad = dict(steps.PLAN, parties=[{"name": "Bolaget AB", "org_number": "556036-0793"},
                                    {"name": "Fel", "org_number": "802400-0004"}])
    steps.complete(services, case_id, "economic_plan", bad)
    assert steps.names(services, case_id) == ["economic_plan"]
    ok = dict(steps.PLAN, parties=[{"name": "Svenska kyrkan", "org_number": with_check_digit("252004345")}])
    steps.complete(services, case_id, "economic_plan", ok)
    assert steps.names(services, case_id) == ["documents"]


def test_board_declines(services: Services, people: Any) -> None:
    case_id = steps.to_decision(services, decision=dict(steps.DECISION, board_enters=False, board_feedback="Nej."))
    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", "declined_by_board")


def test_decision_plans_the_agreement(services: Services, people: Any) -> None:
    case_id = steps.to_decision(services, decision=dict(steps.DECISION, payment_interval="quarterly"))
    row = steps.agreement(services, case_id)
    assert row.status == "running" and row.current_version == 1
    assert [p.due.isoformat() for p in row.payments][:5] == [
        "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01", "2027-01-01"]
    assert len(row.payments) == 20 and sum(p.amount_sek for p in row.payments) == 2_000_000
    assert row.periods[0].end.isoformat() == "2030-12-31"
    assert row.periods[0].renewal_dialogue_opens.isoformat() == "2030-03-31"
    assert row.parties[0]["org_number"] == steps.ORG


def test_unsuitable_organisation_is_told_why(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    for name, data in [("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE), ("economic_plan", steps.PLAN),
                       ("documents", steps.DOCS), ("documents_check", steps.ALL_RECEIVED)]:
        steps.complete(services, case_id, name, data)
    steps.complete(services, case_id, "suitability", dict(
        steps.SUITABLE, suitable=False, suitability_feedback="Verksamheten saknar egen finansiering."))
    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", "not_suitable")
    assert case.feedback[-1]["text"] == "Verksamheten saknar egen finansiering."


def test_dialogue_plan_and_decision_are_on_record_for_several_parties(services: Services, people: Any) -> None:
    from sqlalchemy import select

    from app.models import CaseEvent

    second = {"name": "Svenska kyrkan", "org_number": with_check_digit("252004345")}
    plan = dict(steps.PLAN, parties=[second], other_resources="Lokaler i församlingshemmet")
    decision = dict(steps.DECISION, payment_interval="half_yearly")
    case_id = steps.to_decision(services, plan=plan, decision=decision)
    with services.unit_of_work() as s:
        events = {e.task_name: e.data["values"] for e in s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "task_completed"))}
    meeting = events["dialogue"]
    assert (meeting["meeting_date"], meeting["participants"], meeting["minutes"]) == (
        "2025-09-01", "Karin Ek, handläggare", "Vi enades om målbilden.")
    row = steps.agreement(services, case_id)
    assert row.state is not None
    assert row.state["resources"] == {"own_funds_sek": 50000, "volunteer_hours_per_year": 1200,
                                      "volunteer_hour_value_sek": 250, "volunteer_value_sek": 300000,
                                      "total_sek": 350000, "other": "Lokaler i församlingshemmet"}
    assert [p["org_number"] for p in row.parties] == [steps.ORG, second["org_number"]]
    period = row.periods[0]
    assert (period.decision_ref, period.payment_interval, period.yearly_amount_sek, period.total_sek) == (
        "KS § 123", "half_yearly", 400000, 2_000_000)
    assert [p.due.isoformat() for p in row.payments][:3] == ["2026-01-01", "2026-07-01", "2027-01-01"]


def test_company_legal_form_is_refused_whatever_the_number(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", dict(steps.INTEREST, legal_form="handelsbolag"))
    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", "refused_company")
    assert "handelsbolag" in case.feedback[-1]["text"]
