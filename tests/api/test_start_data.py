"""Issue 9, finding 3: what an organisation may send when it starts a case.

Start data is checked against the start form (the form of the first task the starter works on); fields that
staff decide (payment interval, parties, amounts, dates) cannot come from the organisation, bodies are capped,
and task completion takes only the task's form fields."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.models import Case, User
from app.services import Services
from tests.stenungsund.steps import INTEREST
from tests.web.pages import Browser

PARTIES = [{"org_number": "802470-0000", "name": "Stödcentrum", "role": "medpart"}]


def case_count(services: Services) -> int:
    with services.unit_of_work() as s:
        return int(s.scalar(select(func.count(Case.id))) or 0)


def test_an_organisation_cannot_set_the_payment_interval_or_parties_at_start(api: Any, services: Services) -> None:
    karin = api("org_a")
    resp = karin.post("/api/v1/cases", {"municipality": "stenungsund",
                                        "data": {"payment_interval": "lump_sum", "parties": PARTIES}})
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "invalid"
    assert {"payment_interval", "parties"} <= set(error["fields"])
    assert "payment_interval" in error["message"] and "parties" in error["message"]
    assert case_count(services) == 0


def test_one_unknown_field_beside_valid_ones_refuses_the_whole_start(api: Any, services: Services) -> None:
    resp = api("org_a").post("/api/v1/cases", {"municipality": "stenungsund",
                                               "data": {"activity_title": "Jour", "yearly_support_sek": 300000}})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"yearly_support_sek"}
    assert case_count(services) == 0


def test_start_form_values_are_checked_like_the_form(api: Any, services: Services) -> None:
    org = api("org_a")
    too_long = org.post("/api/v1/cases", {"municipality": "stenungsund", "data": {"activity_title": "x" * 201}})
    assert too_long.status_code == 422 and "activity_title" in too_long.get_json()["error"]["fields"]
    wrong = org.post("/api/v1/cases", {"municipality": "stenungsund", "data": {"legal_form": "kommun"}})
    assert wrong.status_code == 422 and "legal_form" in wrong.get_json()["error"]["fields"]
    assert case_count(services) == 0


def test_ten_megabytes_of_data_get_a_clean_json_refusal(api: Any, services: Services) -> None:
    org = api("org_a")
    resp = org.post("/api/v1/cases", {"municipality": "stenungsund",
                                      "data": {"description": "x" * (10 * 1024 * 1024)}})
    assert resp.status_code in (413, 422)
    assert resp.is_json and resp.get_json()["error"]["code"] in ("too_large", "invalid")
    assert "256" in resp.get_json()["error"]["message"]
    assert case_count(services) == 0


def test_valid_start_form_data_starts_a_case_and_reaches_the_first_task(api: Any, services: Services) -> None:
    org = api("org_a")
    resp = org.post("/api/v1/cases", {"municipality": "stenungsund",
                                      "data": {"activity_title": "Skyddat boende", "legal_form": "ideell_forening"}})
    assert resp.status_code == 201, resp.get_json()
    assert case_count(services) == 1
    tasks = org.get(f"/api/v1/tasks?case_id={resp.get_json()['id']}").get_json()["items"]
    assert [t["name"] for t in tasks] == ["interest"]
    done = org.post(f"/api/v1/tasks/{tasks[0]['id']}/complete", {"data": INTEREST})
    assert done.status_code == 200, done.get_json()


def test_staff_cannot_smuggle_data_either_when_their_role_has_no_start_form(api: Any, services: Services) -> None:
    resp = api("officer").post("/api/v1/cases", {"municipality": "falun", "organisation": "802400-0005",
                                                 "data": {"payment_interval": "lump_sum"}})
    assert resp.status_code == 422 and "payment_interval" in resp.get_json()["error"]["fields"]
    assert case_count(services) == 0


def test_task_completion_takes_only_the_task_form_fields(api: Any, services: Services) -> None:
    org = api("org_a")
    case = org.post("/api/v1/cases", {"municipality": "stenungsund"}).get_json()
    [task] = org.get(f"/api/v1/tasks?case_id={case['id']}").get_json()["items"]
    resp = org.post(f"/api/v1/tasks/{task['id']}/complete",
                    {"data": {**INTEREST, "payment_interval": "lump_sum", "parties": PARTIES}})
    assert resp.status_code == 422
    assert {"payment_interval", "parties"} <= set(resp.get_json()["error"]["fields"])
    still = org.get(f"/api/v1/tasks?case_id={case['id']}").get_json()["items"]
    assert [t["id"] for t in still] == [task["id"]]  # not completed
    big = org.post(f"/api/v1/tasks/{task['id']}/complete", {"data": {**INTEREST, "description": "x" * 400_000}})
    assert big.status_code in (413, 422) and big.is_json


def test_the_portal_start_page_still_starts_a_case(client: Any, people: dict[str, User],
                                                   services: Services) -> None:
    browser = Browser(client)
    browser.login("org_a")
    resp = browser.post("/portal/new", {"municipality": "stenungsund"})
    assert resp.status_code == 302
    assert case_count(services) == 1
