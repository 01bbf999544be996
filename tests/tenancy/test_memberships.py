"""A person with roles in two municipalities acts through one at a time; nobody acts where they hold no role."""

from __future__ import annotations

import re
from typing import Any

from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select

from app.cli import main
from app.domain import memberships
from app.domain.accounts import municipality_by_slug, user_by_username
from app.models import LoginSession, Membership, OpenTask, User
from app.services import Services
from tests import falun_steps as steps
from tests.conftest import Api
from tests.tenancy.conftest import Tenancy
from tests.web.pages import Browser, as_form, text_of


def _task(services: Services, case_id: int) -> OpenTask:
    with services.unit_of_work() as s:
        found = s.scalars(select(OpenTask).where(OpenTask.case_id == case_id)).one()
        s.expunge(found)
        return found


def _membership(services: Services, username: str, slug: str, role: str) -> int:
    with services.unit_of_work() as s:
        rows = s.scalars(select(Membership).join(User, User.id == Membership.user_id)
                         .where(User.username == username, Membership.role == role)).all()
        return next(m.id for m in rows if m.municipality.slug == slug)


def _case_ids(client: Api, **headers: str) -> set[int]:
    resp = client.client.get("/api/v1/cases?limit=500", headers={**client.headers, **headers})
    assert resp.status_code == 200, resp.get_json()
    return {c["id"] for c in resp.get_json()["items"]}


def _task_cases(client: Api, **headers: str) -> set[int]:
    resp = client.client.get("/api/v1/tasks?limit=500", headers={**client.headers, **headers})
    assert resp.status_code == 200, resp.get_json()
    return {t["case_id"] for t in resp.get_json()["items"]}


def test_api_acts_through_one_membership_at_a_time(tenancy: Tenancy, client: FlaskClient,
                                                   services: Services) -> None:
    multi = Api(client, "multi")
    falun, gavle = set(tenancy.ids("falun")), set(tenancy.ids("gavle"))
    # without a header: their own membership, officer in Falun
    assert _case_ids(multi) == falun
    assert _task_cases(multi) == {tenancy.cases["falun"][0]["id"]}  # the officer's decision, not the lawyer's
    assert multi.get("/api/v1/users?limit=500").get_json()["items"]  # works at all
    # as lawyer in Gävle: Gävle's cases and the lawyer's task there, and nothing of Falun
    gavle_header = {"X-IOP-Municipality": "gavle"}
    assert _case_ids(multi, **gavle_header) == gavle
    assert _task_cases(multi, **gavle_header) == {tenancy.cases["gavle"][0]["id"]}
    falun_task = _task(services, tenancy.cases["falun"][0]["id"])
    gavle_task = _task(services, tenancy.cases["gavle"][0]["id"])
    refused = client.post(f"/api/v1/tasks/{falun_task.id}/complete", json={"data": steps.DEPT_YES},
                          headers={**multi.headers, **gavle_header})
    assert refused.status_code in (403, 404)
    assert client.get(f"/api/v1/cases/{tenancy.ids('falun')[0]}",
                      headers={**multi.headers, **gavle_header}).status_code == 404
    # as officer in Falun the Gävle lawyer's task is out of reach
    assert multi.post(f"/api/v1/tasks/{gavle_task.id}/complete", {"data": steps.LEGAL_OK}).status_code in (403, 404)
    assert multi.get(f"/api/v1/cases/{tenancy.ids('gavle')[0]}").status_code == 404
    # in Gävle as lawyer they complete it
    done = client.post(f"/api/v1/tasks/{gavle_task.id}/complete", json={"data": steps.LEGAL_OK},
                       headers={**multi.headers, **gavle_header})
    assert done.status_code == 200, done.get_json()
    # a municipality or a role they do not hold: 403 naming the headers, and nothing is read
    for headers in ({"X-IOP-Municipality": "stenungsund"}, {"X-IOP-Municipality": "gavle", "X-IOP-Role": "officer"},
                    {"X-IOP-Role": "admin"}, {"X-IOP-Municipality": "nowhere"}):
        resp = client.get("/api/v1/cases", headers={**multi.headers, **headers})
        assert resp.status_code == 403, headers
        assert "X-IOP-Municipality" in resp.get_json()["error"]["message"]
    # starting a case in Stenungsund is refused whatever they send
    start = client.post("/api/v1/cases", json={"municipality": "stenungsund", "organisation": "802400-0005"},
                        headers=multi.headers)
    assert start.status_code == 403


def _switch(browser: Browser, membership_id: int) -> Any:
    return browser.post("/account/membership", {"membership": str(membership_id)}, page="/tasks/")


def test_pages_switch_between_memberships_and_never_show_both(tenancy: Tenancy, client: FlaskClient,
                                                              services: Services) -> None:
    browser = Browser(client)
    browser.login("multi")
    falun_numbers, gavle_numbers = tenancy.numbers("falun"), tenancy.numbers("gavle")
    page = browser.get("/tasks/")
    assert 'id="membership-choice"' in page  # the switcher: two memberships
    assert tenancy.cases["falun"][0]["registration_number"] in text_of(page)
    cases = text_of(browser.get("/cases/"))
    assert all(n in cases for n in falun_numbers) and not any(n in cases for n in gavle_numbers)

    resp = _switch(browser, _membership(services, "multi", "gavle", "lawyer"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/tasks/")
    page = browser.get("/tasks/")
    assert tenancy.cases["gavle"][0]["registration_number"] in text_of(page)
    assert not any(n in text_of(page) for n in falun_numbers)
    cases = text_of(browser.get("/cases/"))
    assert all(n in cases for n in gavle_numbers) and not any(n in cases for n in falun_numbers)
    assert "Stadsjurist" in text_of(page) and "Gävle" in text_of(page)  # the header says who they act as
    # a Falun task's page and form are closed to them now
    falun_task = _task(services, tenancy.cases["falun"][0]["id"])
    assert client.get(f"/tasks/{falun_task.id}").status_code in (403, 404)
    assert client.get(f"/cases/{tenancy.ids('falun')[0]}").status_code in (403, 404)
    token = browser.token("/tasks/")
    posted = client.post(f"/tasks/{falun_task.id}", data={**as_form(steps.DEPT_YES), "csrf_token": token})
    assert posted.status_code in (403, 404)
    assert _task(services, tenancy.cases["falun"][0]["id"]).name == "department_decision"

    # the choice lives in the session row: it holds after a new request and not for other sessions
    with services.unit_of_work() as s:
        rows = s.scalars(select(LoginSession).join(User, User.id == LoginSession.user_id)
                         .where(User.username == "multi", LoginSession.kind == "web")).all()
        assert [r.membership_id for r in rows] == [_membership(services, "multi", "gavle", "lawyer")]
    assert _case_ids(Api(client, "multi")) == set(tenancy.ids("falun"))  # a new API token: their own again

    # someone else's membership, or nonsense, changes nothing
    for other in (str(_membership(services, "admin_gavle", "gavle", "admin")), "x", "99999999999"):
        resp = browser.post("/account/membership", {"membership": other}, page="/tasks/")
        assert resp.status_code == 302
        assert "Stadsjurist" in text_of(browser.get("/tasks/"))

    # back to Falun
    _switch(browser, _membership(services, "multi", "falun", "officer"))
    cases = text_of(browser.get("/cases/"))
    assert all(n in cases for n in falun_numbers) and not any(n in cases for n in gavle_numbers)


def test_people_with_one_membership_see_no_switcher(tenancy: Tenancy, client: FlaskClient) -> None:
    browser = Browser(client)
    browser.login("officer")
    assert 'id="membership-choice"' not in browser.get("/tasks/")
    browser.login("org_a")
    assert 'id="membership-choice"' not in browser.get("/portal/")


def test_assignment_and_mail_reach_holders_of_further_memberships(tenancy: Tenancy, client: FlaskClient,
                                                                  services: Services) -> None:
    """A Gävle administrator may give a Gävle lawyer's task to multi (lawyer in Gävle through a further
    membership), not to Falun's lawyer."""
    admin = Api(client, "admin_gavle")
    task = _task(services, tenancy.cases["gavle"][0]["id"])
    assert admin.post(f"/api/v1/tasks/{task.id}/assign", {"username": "lawyer"}).status_code == 422
    resp = admin.post(f"/api/v1/tasks/{task.id}/assign", {"username": "multi"})
    assert resp.status_code == 200, resp.get_json()
    assert _task(services, tenancy.cases["gavle"][0]["id"]).assignee_id is not None


def test_cli_grants_lists_and_revokes(tenancy: Tenancy, services: Services, monkeypatch: Any) -> None:
    monkeypatch.setenv("IOP_DATABASE_URL", services.settings.database_url)
    runner = CliRunner()
    granted = runner.invoke(main, ["user", "grant", "officer", "--role", "board", "--municipality", "gavle"])
    assert granted.exit_code == 0, granted.output
    assert "officer: board in gavle" in granted.output and "officer: officer in falun" in granted.output
    listed = runner.invoke(main, ["user", "roles", "officer"])
    assert "board in gavle" in listed.output
    own = runner.invoke(main, ["user", "revoke", "officer", "--role", "officer", "--municipality", "falun"])
    assert own.exit_code != 0 and "own role" in own.output
    revoked = runner.invoke(main, ["user", "revoke", "officer", "--role", "board", "--municipality", "gavle"])
    assert revoked.exit_code == 0 and "gavle" not in revoked.output
    unknown = runner.invoke(main, ["user", "grant", "org_a", "--role", "officer", "--municipality", "gavle"])
    assert unknown.exit_code != 0 and "organisation" in unknown.output


def test_a_calendar_link_made_through_a_further_membership_works_while_it_is_held(
        tenancy: Tenancy, client: FlaskClient, services: Services) -> None:
    with services.unit_of_work() as s:
        memberships.grant(s, user_by_username(s, "multi"), "finance", municipality_by_slug(s, "gavle"))
    browser = Browser(client)
    browser.login("multi")
    _switch(browser, _membership(services, "multi", "gavle", "finance"))
    resp = browser.post("/agreements/upcoming/calendar-link", page="/agreements/upcoming")
    found = re.search(r'value="https?://[^/"]+(/calendar/[^"]+\.ics)"', resp.get_data(as_text=True))
    assert resp.status_code == 200 and found, "no feed link shown"
    browser.logout()
    feed = client.get(found.group(1))  # the calendar program: no log-in
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "Gävle" in feed.get_data(as_text=True)  # the feed of the municipality it was made in

    with services.unit_of_work() as s:
        memberships.revoke(s, user_by_username(s, "multi"), "finance", municipality_by_slug(s, "gavle"))
    assert client.get(found.group(1)).status_code == 404  # no longer held: the link stops working
