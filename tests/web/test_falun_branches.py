"""Every branch of Falun's diagram walked through the pages, as the role that acts."""

from __future__ import annotations

from sqlalchemy import select

from app.models import CaseEvent, OpenTask
from tests import falun_steps as steps
from tests.web.conftest import Flow
from tests.web.pages import text_of


def _portal_text(flow: Flow) -> str:
    flow.browser.login("org_a")
    return text_of(flow.browser.get("/portal/"))


def test_happy_path_ends_with_an_approved_agreement(flow: Flow) -> None:
    flow.start()
    for name, who, data in steps.HAPPY_PATH:
        flow.step(who, name, data)
    case = flow.case()
    assert (case.status, case.outcome) == ("completed", "approved")
    with flow.services.unit_of_work() as s:
        assert list(s.scalars(select(OpenTask).where(OpenTask.case_id == case.id))) == []
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
    assert kinds.count("task_completed") == 7
    portal = _portal_text(flow)
    assert case.registration_number in portal
    assert "Avslutat: Avtalet är juridiskt godkänt" in portal
    assert str(steps.FINAL_OK["review_comments"]) in portal
    assert str(steps.DEPT_YES["feedback_to_organisation"]) in portal
    assert "Återkalla initiativet" not in portal
    history = text_of(flow.browser.get(f"/cases/{case.id}"))
    assert "Slutförde uppgiften ”Fyll i checklistan”" in history
    assert "Verksamhetens namn Språkcafé" in history  # submitted values with their field titles
    assert "Kommunens bidrag per år (kr) 150 000 kr" in history  # SEK the Swedish way (issue 10)


def test_wrong_contract_form_ends_the_case_and_tells_the_organisation(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    flow.step("org_a", "initiative", steps.INITIATIVE)
    flow.step("lawyer", "legal_assessment", steps.LEGAL_WRONG)
    case = flow.case()
    assert (case.status, case.outcome) == ("completed", "wrong_contract_form")
    portal = _portal_text(flow)
    assert "IOP är inte rätt avtalsform" in portal
    assert str(steps.LEGAL_WRONG["motivation"]) in portal


def test_department_says_no(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    flow.step("org_a", "initiative", steps.INITIATIVE)
    flow.step("lawyer", "legal_assessment", steps.LEGAL_OK)
    flow.step("officer", "department_decision", steps.DEPT_NO)
    case = flow.case()
    assert (case.status, case.outcome) == ("completed", "declined_by_department")
    portal = _portal_text(flow)
    assert "Förvaltningen avstår från IOP" in portal
    assert str(steps.DEPT_NO["feedback_to_organisation"]) in portal


def test_draft_back_and_forth_then_final_review_sends_back_for_correction(flow: Flow) -> None:
    flow.start()
    for name, who, data in steps.HAPPY_PATH[:5]:
        flow.step(who, name, data)
    flow.step("org_a", "review_draft", steps.REVIEW_CHANGES)
    # the officer sees the organisation's change requests on the draft page (x-show)
    flow.browser.login("officer")
    with flow.services.unit_of_work() as s:
        task = s.scalars(select(OpenTask).where(OpenTask.case_id == flow.case_id)).one()
    page = text_of(flow.browser.get(f"/tasks/{task.id}"))
    assert "Vad vill ni ändra? " + str(steps.REVIEW_CHANGES["change_requests"]) in page
    assert "Godkänner ni avtalsutkastet? Nej" in page
    flow.step("officer", "draft_agreement", dict(steps.DRAFT, response_to_changes="Perioden är förlängd."))
    flow.step("org_a", "review_draft", steps.REVIEW_OK)
    flow.step("lawyer", "final_review", steps.FINAL_FIX)
    assert flow.case().status == "running"
    flow.step("officer", "correct_agreement", steps.CORRECTION)
    flow.step("lawyer", "final_review", steps.FINAL_OK)
    case = flow.case()
    assert (case.status, case.outcome) == ("completed", "approved")
    portal = _portal_text(flow)
    assert str(steps.FINAL_FIX["review_comments"]) in portal
    assert str(steps.FINAL_OK["review_comments"]) in portal
    with flow.services.unit_of_work() as s:
        names = [e.task_name for e in s.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "task_completed").order_by(CaseEvent.id))]
    assert names.count("draft_agreement") == 2 and names.count("final_review") == 2


def _withdraw(flow: Flow, reason: str) -> None:
    flow.browser.login("org_a")
    portal = flow.browser.get("/portal/")
    assert f'action="/portal/cases/{flow.case_id}/withdraw"' in portal
    empty = flow.browser.post(f"/portal/cases/{flow.case_id}/withdraw", {"withdraw_reason": "  "}, page="/portal/")
    assert empty.status_code == 422
    assert "Skriv kort varför ni återkallar initiativet." in text_of(empty.get_data(as_text=True))
    assert flow.case().status == "running"
    resp = flow.browser.post(f"/portal/cases/{flow.case_id}/withdraw", {"withdraw_reason": reason}, page="/portal/")
    assert resp.status_code == 302


def test_organisation_withdraws_at_an_early_step(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    _withdraw(flow, "Vi hann inte klart.")
    case = flow.case()
    assert (case.status, case.outcome) == ("completed", "withdrawn")
    portal = _portal_text(flow)
    assert "Initiativet är återkallat" in portal and "Vi hann inte klart." in portal
    assert f'action="/portal/cases/{case.id}/withdraw"' not in flow.browser.get("/portal/")


def test_organisation_withdraws_at_the_draft_step(flow: Flow) -> None:
    flow.start()
    for name, who, data in steps.HAPPY_PATH[:4]:
        flow.step(who, name, data)
    assert open_name(flow) == "draft_agreement"
    _withdraw(flow, "Styrelsen beslutade att avvakta.")
    case = flow.case()
    assert (case.status, case.outcome) == ("completed", "withdrawn")
    assert "Styrelsen beslutade att avvakta." in _portal_text(flow)
    with flow.services.unit_of_work() as s:
        assert list(s.scalars(select(OpenTask).where(OpenTask.case_id == case.id))) == []


def test_no_withdrawal_offered_during_final_review(flow: Flow) -> None:
    flow.start()
    for name, who, data in steps.HAPPY_PATH[:6]:
        flow.step(who, name, data)
    flow.browser.login("org_a")
    assert "withdraw" not in flow.browser.get("/portal/")
    resp = flow.browser.post(f"/portal/cases/{flow.case_id}/withdraw", {"withdraw_reason": "x"}, page="/portal/")
    assert resp.status_code == 409
    assert flow.case().status == "running"


def open_name(flow: Flow) -> str:
    with flow.services.unit_of_work() as s:
        return s.scalars(select(OpenTask.name).where(OpenTask.case_id == flow.case_id)).one()
