"""Log-in, roles and ownership, CSRF, and the conflict page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import CaseEvent, OpenTask
from tests import falun_steps as steps
from tests.conftest import PASSWORD
from tests.web.conftest import Flow
from tests.web.pages import Browser, as_form, open_task, text_of


def test_bad_credentials_give_a_clear_message_and_keep_the_username(browser: Browser) -> None:
    resp = browser.post("/login", {"username": "org_a", "password": "wrong"})
    assert resp.status_code == 401
    html = resp.get_data(as_text=True)
    assert "Användarnamnet eller lösenordet stämmer inte." in text_of(html)
    assert 'value="org_a"' in html
    assert browser.client.get("/tasks/").status_code == 302  # still anonymous


@pytest.mark.parametrize(("username", "start"), [("org_a", "/portal/"), ("lawyer", "/tasks/"),
                                                 ("officer", "/tasks/"), ("admin", "/admin/"),
                                                 ("owner", "/admin/")])
def test_home_sends_each_role_to_its_start_page(browser: Browser, username: str, start: str) -> None:
    browser.login(username)
    resp = browser.client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(start)
    assert browser.client.get(start).status_code == 200


def test_log_out_ends_the_session(browser: Browser) -> None:
    browser.login("lawyer")
    assert browser.client.get("/tasks/").status_code == 200
    resp = browser.post("/logout", page="/tasks/")
    assert resp.status_code == 302
    assert browser.client.get("/tasks/").status_code == 302
    assert "Du är utloggad." in text_of(browser.get("/login"))


@pytest.mark.parametrize("url", ["/", "/tasks/", "/portal/", "/portal/new", "/cases/1", "/admin/", "/tasks/abc"])
def test_anonymous_users_are_sent_to_log_in(browser: Browser, url: str) -> None:
    resp = browser.client.get(url)
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]


def test_log_in_returns_to_the_page_asked_for_but_never_off_site(browser: Browser) -> None:
    resp = browser.client.get("/admin/")
    login_url = resp.headers["Location"]
    token = browser.token(login_url)
    back = browser.client.post("/login", data={"csrf_token": token, "username": "admin", "password": PASSWORD,
                                               "next": "/admin/?status=all"})
    assert back.headers["Location"] == "/admin/?status=all"
    browser.logout()
    token = browser.token("/login")
    away = browser.client.post("/login", data={"csrf_token": token, "username": "admin",
                                               "password": PASSWORD, "next": "//evil.example/"})
    assert away.headers["Location"] == "/admin/"


def test_other_organisation_gets_404_for_case_task_and_file(flow: Flow) -> None:
    case_id = flow.start()
    task = open_task(flow.services, case_id)
    flow.browser.login("org_b")
    assert flow.browser.client.get(f"/cases/{case_id}").status_code == 404
    assert flow.browser.client.get(f"/tasks/{task.id}").status_code == 404
    assert flow.browser.client.get(f"/cases/{case_id}/files/1").status_code == 404
    resp = flow.browser.post(f"/tasks/{task.id}", as_form(steps.CHECKLIST), page="/tasks/")
    assert resp.status_code == 404
    resp = flow.browser.post(f"/portal/cases/{case_id}/withdraw", {"withdraw_reason": "x"}, page="/portal/")
    assert resp.status_code == 404
    assert open_task(flow.services, case_id).id == task.id  # nothing moved
    assert flow.case().status == "running"


def test_a_lawyer_cannot_complete_an_organisation_task(flow: Flow) -> None:
    case_id = flow.start()
    task = open_task(flow.services, case_id)
    flow.browser.login("lawyer")
    assert flow.browser.client.get(f"/tasks/{task.id}").status_code == 404
    resp = flow.browser.post(f"/tasks/{task.id}", as_form(steps.CHECKLIST), page="/tasks/")
    assert resp.status_code in (403, 404)
    assert flow.browser.post(f"/tasks/{task.id}/claim", page="/tasks/").status_code in (403, 404)
    with flow.services.unit_of_work() as s:
        row = s.get(OpenTask, task.id)
        assert row is not None and row.assignee_id is None
        assert s.scalar(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.kind != "case_started")) == 0
    # but the lawyer may read the case of their own municipality
    assert flow.browser.client.get(f"/cases/{case_id}").status_code == 200


def test_roles_are_kept_to_their_pages(browser: Browser) -> None:
    browser.login("org_a")
    assert browser.client.get("/admin/").status_code == 403
    browser.login("lawyer")
    assert browser.client.get("/portal/").status_code == 403
    assert browser.client.get("/portal/new").status_code == 403
    resp = browser.client.get("/admin/")
    assert resp.status_code == 403
    assert "Du har inte behörighet" in text_of(resp.get_data(as_text=True))


def test_a_post_without_csrf_token_is_refused(flow: Flow) -> None:
    case_id = flow.start()
    task = open_task(flow.services, case_id)
    resp = flow.browser.client.post(f"/tasks/{task.id}", data=as_form(steps.CHECKLIST))
    assert resp.status_code == 400
    assert "Formuläret kunde inte skickas" in text_of(resp.get_data(as_text=True))
    assert open_task(flow.services, case_id).name == "checklist"
    assert flow.browser.client.post("/portal/new", data={"municipality": "falun"}).status_code == 400
    assert flow.browser.client.post("/logout").status_code == 400
    assert flow.browser.client.get("/portal/").status_code == 200  # still logged in


def test_completing_a_task_that_is_already_done_gives_409(flow: Flow) -> None:
    case_id = flow.start()
    task = open_task(flow.services, case_id)
    page = flow.browser.get(f"/tasks/{task.id}")
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    first = flow.browser.client.post(f"/tasks/{task.id}", data={**as_form(steps.CHECKLIST), "csrf_token": token})
    assert first.status_code == 302
    again = flow.browser.client.post(f"/tasks/{task.id}", data={**as_form(steps.CHECKLIST), "csrf_token": token})
    assert again.status_code == 409
    assert "Någon annan har hunnit före" in text_of(again.get_data(as_text=True))
    assert flow.browser.client.get(f"/tasks/{task.id}").status_code == 409
    assert open_task(flow.services, case_id).name == "initiative"
    flow.browser.login("org_b")  # someone who cannot see the case learns nothing
    assert flow.browser.client.get(f"/tasks/{task.id}").status_code == 404


def test_a_task_claimed_by_a_colleague_cannot_be_completed(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    flow.step("org_a", "initiative", steps.INITIATIVE)
    flow.step("lawyer", "legal_assessment", steps.LEGAL_OK)
    task = open_task(flow.services, flow.case_id)
    flow.browser.login("officer")
    assert flow.browser.post(f"/tasks/{task.id}/claim", page="/tasks/").status_code == 302
    flow.browser.login("officer2")
    assert "Du kan inte slutföra den här uppgiften" in text_of(flow.browser.get(f"/tasks/{task.id}"))
    resp = flow.browser.post(f"/tasks/{task.id}", as_form(steps.DEPT_YES), page="/tasks/")
    assert resp.status_code == 409
    assert open_task(flow.services, flow.case_id).name == "department_decision"
