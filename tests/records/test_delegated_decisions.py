"""Decisions under delegation (issue 13): who decided, under which delegation item and when, recorded when the
decision step is completed; reported to the committee per meeting through the page and the API, each case's
history saying so; only the municipality's officers, board and administrators see or report them."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.clock import ManualClock
from app.driving.case_driver import CaseDriver
from app.models import CaseEvent, User
from app.models.delegation import DelegatedDecision, DelegationItem
from app.services import Services
from tests import falun_steps
from tests.conftest import ORG_A
from tests.web.pages import Browser, text_of


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


def _decided(services: Services, clock: ManualClock, steps: int = 4) -> CaseDriver:
    driver = CaseDriver.start(services, "falun", ORG_A, actor="org_a")
    for name, who, data in falun_steps.HAPPY_PATH[:steps]:
        driver.complete(name, data, who)
        clock.advance(days=1)
    return driver


def _decisions(services: Services) -> list[DelegatedDecision]:
    with services.unit_of_work() as s:
        rows = list(s.scalars(select(DelegatedDecision).order_by(DelegatedDecision.id)))
        s.expunge_all()
        return rows


def test_the_delegation_order_is_loaded_from_config(services: Services) -> None:
    with services.unit_of_work() as s:
        items = list(s.scalars(select(DelegationItem)))
        assert [(i.code, i.process_id, i.task_name, i.committee) for i in items] == [
            ("4.2", "falun_initiative", "department_decision", "Kommunstyrelsen")]


def test_completing_the_decision_step_records_who_under_which_item_and_when(
        services: Services, clock: ManualClock, people: Any) -> None:
    driver = _decided(services, clock, steps=3)
    assert _decisions(services) == []  # the lawyer's assessment is no delegated decision
    decided_at = clock.now()
    driver.complete("department_decision", falun_steps.DEPT_YES, "officer")
    [decision] = _decisions(services)
    assert (decision.case_id, decision.task_name, decision.item_code, decision.delegate) == (
        driver.case_id, "department_decision", "4.2", "Förvaltningschef")
    assert decision.decided_by_id == people["officer"].id
    assert decision.decided_at == decided_at
    assert decision.summary == falun_steps.DEPT_YES["feedback_to_organisation"]
    assert decision.report_id is None


def test_officer_reports_decisions_to_a_meeting_through_the_page(
        services: Services, clock: ManualClock, browser: Browser) -> None:
    first, second = _decided(services, clock), _decided(services, clock)
    browser.login("officer")
    page = text_of(browser.get("/decisions/delegated"))
    assert "Beslut som inte har anmälts" in page and "4.2" in page and "Förvaltningschef" in page
    [one, two] = _decisions(services)

    bad = browser.post("/decisions/delegated/report", {"decisions": [str(one.id)], "committee": "Kommunstyrelsen",
                                                       "meeting_on": "20 januari", "reference": "KS § 12"})
    assert bad.status_code == 400
    shown = bad.get_data(as_text=True)
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in text_of(shown)
    assert 'value="KS § 12"' in shown and f'value="{one.id}" id="decision-{one.id}" checked' in shown  # kept

    nothing = browser.post("/decisions/delegated/report", {"committee": "Kommunstyrelsen",
                                                           "meeting_on": "2027-01-20"})
    assert nothing.status_code == 400 and "Välj minst ett beslut" in text_of(nothing.get_data(as_text=True))

    done = browser.post("/decisions/delegated/report", {"decisions": [str(one.id)], "committee": "Kommunstyrelsen",
                                                        "meeting_on": "2027-01-20", "reference": "KS § 12"},
                        page="/decisions/delegated")
    assert done.status_code == 303
    report_page = text_of(browser.get(done.headers["Location"]))
    assert "Anmälda delegationsbeslut, Kommunstyrelsen 20 januari 2027" in report_page
    assert "KS § 12" in report_page
    decisions = {d.id: d for d in _decisions(services)}
    assert decisions[one.id].report_id is not None and decisions[two.id].report_id is None
    with services.unit_of_work() as s:
        kinds = list(s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == first.case_id)))
        assert kinds.count("decision_reported") == 1
        assert "decision_reported" not in list(s.scalars(select(CaseEvent.kind)
                                                           .where(CaseEvent.case_id == second.case_id)))
    case_page = text_of(browser.get(f"/cases/{first.case_id}"))
    assert "anmäldes till Kommunstyrelsen den 20 januari 2027" in case_page


def test_the_api_lists_reports_and_refuses_a_second_report(
        services: Services, clock: ManualClock, api: Any) -> None:
    _decided(services, clock)
    board = api("board")
    listed = board.get("/api/v1/delegated-decisions?reported=false").get_json()
    assert listed["total"] == 1 and listed["items"][0]["item_code"] == "4.2"
    decision_id = listed["items"][0]["id"]
    body = {"decisions": [decision_id], "committee": "Kommunstyrelsen", "meeting_on": "2027-01-20"}
    made = board.post("/api/v1/delegation-reports", body)
    assert made.status_code == 201, made.get_json()
    assert board.post("/api/v1/delegation-reports", body).status_code == 409
    assert board.get("/api/v1/delegated-decisions?reported=false").get_json()["total"] == 0
    report_id = made.get_json()["id"]
    of_report = board.get(f"/api/v1/delegated-decisions?report={report_id}").get_json()
    assert [i["id"] for i in of_report["items"]] == [decision_id]
    assert board.get("/api/v1/delegation-reports").get_json()["items"][0]["meeting_on"] == "2027-01-20"


def test_bad_report_bodies_name_the_field(services: Services, clock: ManualClock, api: Any) -> None:
    _decided(services, clock)
    officer = api("officer")
    decision_id = officer.get("/api/v1/delegated-decisions").get_json()["items"][0]["id"]
    for body, field in (({"decisions": [], "committee": "KS", "meeting_on": "2027-01-20"}, "decisions"),
                        ({"decisions": [decision_id], "committee": "KS", "meeting_on": "igår"}, "meeting_on"),
                        ({"decisions": [decision_id], "meeting_on": "2027-01-20"}, "committee"),
                        ({"decisions": [2**40], "committee": "KS", "meeting_on": "2027-01-20"}, "decisions"),
                        ({"decisions": [decision_id], "committee": "KS", "meeting_on": "2027-01-20",
                          "secret": 1}, "secret")):
        resp = officer.post("/api/v1/delegation-reports", body)
        assert resp.status_code == 422, (body, resp.status_code)
        assert field in resp.get_json()["error"]["fields"], resp.get_json()
    assert officer.post("/api/v1/delegation-reports", {"decisions": [decision_id + 1000], "committee": "KS",
                                                       "meeting_on": "2027-01-20"}).status_code == 404


def test_only_the_municipalitys_officers_board_and_administrators(
        services: Services, clock: ManualClock, api: Any, browser: Browser) -> None:
    _decided(services, clock)
    for who in ("org_a", "lawyer", "finance", "owner"):
        assert api(who).get("/api/v1/delegated-decisions").status_code == 403, who
    stenungsund = api("other_officer")
    assert stenungsund.get("/api/v1/delegated-decisions").get_json()["total"] == 0
    assert stenungsund.get("/api/v1/delegated-decisions?municipality=falun").status_code == 403
    decision_id = api("officer").get("/api/v1/delegated-decisions").get_json()["items"][0]["id"]
    assert stenungsund.post("/api/v1/delegation-reports", {"decisions": [decision_id], "committee": "KS",
                                                           "meeting_on": "2027-01-20"}).status_code == 404
    admin = api("admin")  # an administrator of every municipality names the one
    assert admin.get("/api/v1/delegated-decisions").status_code == 422
    assert admin.get("/api/v1/delegated-decisions?municipality=falun").get_json()["total"] == 1
    browser.login("org_a")
    browser.get("/decisions/delegated", status=403)
    browser.login("other_officer")
    assert "Alla delegationsbeslut har anmälts" in text_of(browser.get("/decisions/delegated"))
