"""When the budget check sends the case back to the budget task, the officer reads why (`noticeFrom` in the
diagram): on the task page and in the task's API answer; the first visit has no notice."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from app.domain.accounts import add_user
from app.services import Services
from tests.api.test_openapi_responses import Checked
from tests.conftest import PASSWORD
from tests.kungsbacka import steps
from tests.web.pages import Browser, open_task, text_of

HEADING = "Ärendet har kommit tillbaka till det här steget"
NOTHING = {**steps.BUDGET, "parties": [{"name": "Stödcentrum", "org_number": steps.PARTNER}]}


def _page(client: FlaskClient, username: str, task_id: str, status: int = 200) -> str:
    browser = Browser(client)
    browser.login(username)
    return browser.get(f"/tasks/{task_id}", status=status)


def test_the_officer_reads_why_the_budget_came_back(client: FlaskClient, services: Services, kb_people: Any) -> None:
    case_id = steps.start_by_organisation(services)
    steps.complete(services, case_id, "proposal", steps.PROPOSAL, "org_a")
    first = open_task(services, case_id)
    assert first.name == "budget" and first.meta == {}
    html = _page(client, "kb_officer", first.id)
    assert HEADING not in text_of(html) and "return-notice" not in html  # the first visit: nothing to tell

    steps.complete(services, case_id, "budget", NOTHING, "kb_officer")
    again = open_task(services, case_id)
    assert again.name == "budget" and again.id != first.id
    reason = steps.budget_problems(services, case_id)
    assert "Stödcentrum" in reason
    html = _page(client, "kb_officer", again.id)
    text = text_of(html)
    assert f"{HEADING} {reason}" in text, text
    assert 'role="status"' in html and "Åtgärda det som står ovan" in text
    # above the form
    assert html.index("return-notice") < html.index('id="form-heading"')

    steps.complete(services, case_id, "budget", steps.BUDGET, "kb_officer")  # the check passes: on to criteria
    assert steps.names(services, case_id) == ["criteria"]
    assert open_task(services, case_id).meta == {}


def test_the_notice_in_english_and_only_for_the_tasks_people(client: FlaskClient, services: Services,
                                                               kb_people: Any) -> None:
    case_id = steps.start_by_organisation(services)
    steps.complete(services, case_id, "proposal", steps.PROPOSAL, "org_a")
    steps.complete(services, case_id, "budget", NOTHING, "kb_officer")
    task = open_task(services, case_id)
    browser = Browser(client)
    browser.login("kb_officer")
    english = text_of(browser.get(f"/tasks/{task.id}?lang=en"))
    assert "The case has come back to this step" in english, english[:400]
    # the organisation and other staff may not open the officer's task: not even that it exists
    for username in ("org_a", "kb_lawyer", "officer"):
        _page(client, username, task.id, status=404)


def test_the_api_gives_the_notice_to_the_tasks_people_only(client: FlaskClient, services: Services,
                                                           kb_people: Any) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    seen: set[str] = set()
    case_id = steps.start_by_organisation(services)
    steps.complete(services, case_id, "proposal", steps.PROPOSAL, "org_a")
    officer = Checked(client, "kb_officer", doc, seen)
    first = open_task(services, case_id)
    assert officer.get(f"/api/v1/tasks/{first.id}").get_json()["notice"] is None
    steps.complete(services, case_id, "budget", NOTHING, "kb_officer")
    task = open_task(services, case_id)
    answer = officer.get(f"/api/v1/tasks/{task.id}").get_json()
    assert answer["notice"] == steps.budget_problems(services, case_id)
    # the case's open tasks (which the organisation also reads) carry no notice
    for username in ("kb_officer", "org_a"):
        case = Checked(client, username, doc, seen).get(f"/api/v1/cases/{case_id}").get_json()
        assert [t["name"] for t in case["open_tasks"]] == ["budget"]
        assert "notice" not in case["open_tasks"][0], username
    assert Checked(client, "org_a", doc, seen).get(f"/api/v1/tasks/{task.id}").status_code == 404


def test_a_process_owner_assigning_the_task_is_not_given_the_notice(client: FlaskClient, services: Services,
                                                                    kb_people: Any, password_hash: str) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "kb_owner", PASSWORD, "process_owner", municipality=steps.MUNICIPALITY,
                 password_hash=password_hash)
    case_id = steps.start_by_organisation(services)
    steps.complete(services, case_id, "proposal", steps.PROPOSAL, "org_a")
    steps.complete(services, case_id, "budget", NOTHING, "kb_officer")
    task = open_task(services, case_id)
    doc = client.get("/api/v1/openapi.json").get_json()
    owner = Checked(client, "kb_owner", doc, set())
    answer = owner.post(f"/api/v1/tasks/{task.id}/assign", {"username": "kb_officer"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["assignee"] == "kb_officer" and answer.get_json()["notice"] is None
    officer = Checked(client, "kb_officer", doc, set())
    assert officer.get(f"/api/v1/tasks/{task.id}").get_json()["notice"] == steps.budget_problems(services, case_id)


def _input_value(html: str, name: str) -> str | None:
    found = re.search(r'<input[^>]*\bname="' + re.escape(name) + r'"[^>]*>', html)
    if found is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def test_the_returned_budget_opens_with_what_was_sent(client: FlaskClient, services: Services,
                                                      kb_people: Any) -> None:
    case_id = steps.start_by_organisation(services)
    steps.complete(services, case_id, "proposal", steps.PROPOSAL, "org_a")
    first = _page(client, "kb_officer", open_task(services, case_id).id)
    assert _input_value(first, "yearly_support_sek") == "" and "sent-before-notice" not in first

    steps.complete(services, case_id, "budget", NOTHING, "kb_officer")
    again = _page(client, "kb_officer", open_task(services, case_id).id)
    assert "Formuläret är ifyllt med det som skickades" in text_of(again)
    assert _input_value(again, "yearly_support_sek") == "300000"
    assert _input_value(again, "volunteer_hours_per_year") == "800"
    assert _input_value(again, "parties[0][name]") == "Stödcentrum"
    assert _input_value(again, "parties[0][money_sek]") == ""  # what was sent: the party brought nothing

    # a draft of the returned task wins over what was sent
    browser = Browser(client)
    browser.login("kb_officer")
    task = open_task(services, case_id)
    token = browser.token(f"/tasks/{task.id}")
    saved = client.post(f"/tasks/{task.id}/draft", data={"yearly_support_sek": "123", "csrf_token": token})
    assert saved.status_code in (200, 302, 303), saved.status_code
    page = browser.get(f"/tasks/{task.id}")
    assert _input_value(page, "yearly_support_sek") == "123" and "sent-before-notice" not in page
