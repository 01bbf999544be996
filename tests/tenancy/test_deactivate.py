"""Deactivating and activating an account: through the domain, the API, /admin/people and the CLI. A deactivated
person cannot log in, and the sessions and API tokens they hold stop working at the next request; activated
again, they log in as before. Who may: an administrator of the installation anyone but themselves, a
municipality's administrator the people whose own municipality is theirs only."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.cli import main
from app.core.errors import Forbidden
from app.domain import memberships
from app.domain.accounts import AccountError, add_user, municipality_by_slug, set_active, user_by_username
from app.models import LoginSession, User
from app.services import Services
from tests.api.test_openapi_responses import Checked
from tests.conftest import PASSWORD, Api
from tests.web.pages import Browser, text_of

PAGE = "/admin/people/"


@pytest.fixture
def staff(services: Services, people: dict[str, User], password_hash: str) -> None:
    """The tenancy fixture's people without its cases: multi (officer in Falun, their own; lawyer in Gävle),
    admin_falun, admin_gavle, gavle_officer."""
    with services.unit_of_work() as s:
        for username, role, slug in (("multi", "officer", "falun"), ("admin_falun", "admin", "falun"),
                                     ("admin_gavle", "admin", "gavle"), ("gavle_officer", "officer", "gavle")):
            add_user(s, services.clock, username, PASSWORD, role, municipality=slug, password_hash=password_hash,
                     display_name=username.replace("_", " ").title())
        memberships.grant(s, user_by_username(s, "multi"), "lawyer", municipality_by_slug(s, "gavle"))


def _id(services: Services, username: str) -> int:
    with services.unit_of_work() as s:
        return user_by_username(s, username).id


def _active(services: Services, username: str) -> bool:
    with services.unit_of_work() as s:
        return user_by_username(s, username).active


def _sessions(services: Services, username: str) -> int:
    with services.unit_of_work() as s:
        return s.scalar(select(func.count()).select_from(LoginSession)
                        .where(LoginSession.user_id == user_by_username(s, username).id)) or 0


def _log_in(client: FlaskClient, username: str) -> int:
    browser = Browser(client)
    browser.logout()
    return browser.post("/login", {"username": username, "password": PASSWORD}).status_code


def _token_status(client: FlaskClient, username: str) -> int:
    return client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).status_code


@pytest.fixture
def checked(client: FlaskClient) -> Any:
    """An API client whose every answer is checked against the OpenAPI document."""
    doc = client.get("/api/v1/openapi.json").get_json()

    def make(username: str) -> Checked:
        return Checked(client, username, doc, set())

    return make


def test_deactivating_ends_sessions_and_tokens_and_activating_lets_in_again(
        staff: None, app: Flask, checked: Any, services: Services, caplog: pytest.LogCaptureFixture) -> None:
    page = app.test_client()  # the officer's open browser
    Browser(page).login("gavle_officer")
    assert page.get("/tasks/").status_code == 200
    token = Api(app.test_client(), "gavle_officer")  # and an API token of theirs
    assert token.get("/api/v1/tasks").status_code == 200
    assert _sessions(services, "gavle_officer") == 2

    caplog.set_level(logging.INFO, logger="app.accounts")
    admin = checked("admin_gavle")
    officer_id = _id(services, "gavle_officer")
    resp = admin.post(f"/api/v1/users/{officer_id}/deactivate")
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    assert _sessions(services, "gavle_officer") == 0
    logged = [r.fields for r in caplog.records if getattr(r, "fields", {}).get("event") == "user_deactivated"]
    assert logged == [{"event": "user_deactivated", "username": "gavle_officer", "by": "admin_gavle", "via": "api",
                       "sessions_ended": 2}]

    gone = page.get("/tasks/")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    assert token.get("/api/v1/tasks").status_code == 401
    assert _log_in(app.test_client(), "gavle_officer") == 401
    assert _token_status(app.test_client(), "gavle_officer") == 401
    again = admin.post(f"/api/v1/users/{officer_id}/deactivate")  # already so: no change, no second log line
    assert again.status_code == 200 and len([r for r in caplog.records if r.name == "app.accounts"
                                             and getattr(r, "fields", {}).get("event")]) == 1

    resp = admin.post(f"/api/v1/users/{officer_id}/activate")
    assert resp.status_code == 200 and resp.get_json()["active"] is True
    assert _active(services, "gavle_officer")
    assert token.get("/api/v1/tasks").status_code == 401  # an ended token stays ended
    assert _log_in(page, "gavle_officer") == 302 and page.get("/tasks/").status_code == 200
    assert _token_status(app.test_client(), "gavle_officer") == 200


def test_who_may_deactivate_through_the_api(staff: None, client: FlaskClient, checked: Any,
                                            services: Services) -> None:
    gavle = checked("admin_gavle")
    for username in ("officer", "multi", "admin_falun", "admin", "org_a"):  # own municipality not Gävle
        assert gavle.post(f"/api/v1/users/{_id(services, username)}/deactivate").status_code == 403, username
        assert _active(services, username)
    own = gavle.post(f"/api/v1/users/{_id(services, 'admin_gavle')}/deactivate")
    assert own.status_code == 422 and "own account" in own.get_json()["error"]["message"]
    for unknown in ("999999", "abc", "9" * 40, "-1"):
        assert gavle.post(f"/api/v1/users/{unknown}/deactivate").status_code == 404, unknown
    # staff may not, whoever it is
    officer = checked("gavle_officer")
    assert officer.post(f"/api/v1/users/{_id(services, 'multi')}/activate").status_code == 403
    # Falun's administrator may shut out multi (their own municipality is Falun); the installation's anyone else
    assert checked("admin_falun").post(f"/api/v1/users/{_id(services, 'multi')}/deactivate").status_code == 200
    installation = checked("admin")
    for username in ("admin_gavle", "org_a"):
        assert installation.post(f"/api/v1/users/{_id(services, username)}/deactivate").status_code == 200
        assert not _active(services, username)
    assert installation.post(f"/api/v1/users/{_id(services, 'admin')}/deactivate").status_code == 422


def test_an_administrator_acting_through_a_further_membership_follows_that_municipality(
        staff: None, client: FlaskClient, services: Services) -> None:
    """multi administers Gävle through a further membership: Gävle's people, not Falun's, and not themselves
    (their own municipality, Falun, is not where they act)."""
    with services.unit_of_work() as s:
        memberships.grant(s, user_by_username(s, "multi"), "admin", municipality_by_slug(s, "gavle"))
    multi = Api(client, "multi")
    multi.headers.update({"X-IOP-Municipality": "gavle", "X-IOP-Role": "admin"})
    assert multi.post(f"/api/v1/users/{_id(services, 'officer')}/deactivate").status_code == 403
    assert multi.post(f"/api/v1/users/{_id(services, 'multi')}/deactivate").status_code == 422
    assert multi.post(f"/api/v1/users/{_id(services, 'gavle_officer')}/deactivate").status_code == 200


def test_the_domain_rule(staff: None, services: Services) -> None:
    with services.unit_of_work() as s:
        gavle, multi = user_by_username(s, "admin_gavle"), user_by_username(s, "multi")
        with pytest.raises(Forbidden):
            set_active(s, multi, False, by=gavle)
        with pytest.raises(AccountError):
            set_active(s, gavle, False, by=gavle)
        with pytest.raises(Forbidden):
            set_active(s, gavle, False, by=user_by_username(s, "gavle_officer"))
        assert set_active(s, user_by_username(s, "gavle_officer"), False, by=gavle)
        assert set_active(s, multi, False)  # the console: no administrator to check
        assert not set_active(s, multi, False)


def _row(html: str, username: str) -> str:
    found = re.search(rf'<th scope="row">{re.escape(username)}</th>(.*?)</tr>', html, re.S)
    assert found, username
    return found.group(1)


def test_the_page_deactivates_with_confirmation_and_activates(staff: None, app: Flask, services: Services,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    officer = app.test_client()
    Browser(officer).login("gavle_officer")
    browser = Browser(app.test_client())
    browser.login("admin_gavle")
    page = browser.get(PAGE)
    officer_id, multi_id = _id(services, "gavle_officer"), _id(services, "multi")
    assert "Stäng av kontot för gavle_officer" in text_of(_row(page, "gavle_officer"))
    for username in ("multi", "admin_gavle"):  # another municipality's own person; themselves: no button
        assert "Stäng av kontot" not in text_of(_row(page, username)), username

    caplog.set_level(logging.INFO, logger="app.accounts")
    asked = browser.post(PAGE + "active", {"user": str(officer_id), "active": "no"}, page=PAGE)
    assert asked.status_code == 200
    assert ("Vill du stänga av kontot för Gavle Officer (gavle_officer)? Personen kan inte längre logga in"
            in text_of(asked.get_data(as_text=True)))
    assert _active(services, "gavle_officer")  # not yet
    done = browser.post(PAGE + "active", {"user": str(officer_id), "active": "no", "confirm": "yes"}, page=PAGE)
    assert done.status_code == 303 and done.headers["Location"].endswith(PAGE)
    assert not _active(services, "gavle_officer")
    page = browser.get(PAGE)
    assert "Kontot gavle_officer är avstängt. Personen kan inte längre logga in." in text_of(page)
    row = text_of(_row(page, "gavle_officer"))
    assert row.startswith("Gavle Officer") and " Nej Aktivera kontot för gavle_officer" in row
    assert any(getattr(r, "fields", {}).get("via") == "page" for r in caplog.records)
    assert officer.get("/tasks/").status_code == 302  # the open browser is shut out
    assert _log_in(app.test_client(), "gavle_officer") == 401

    done = browser.post(PAGE + "active", {"user": str(officer_id), "active": "yes"}, page=PAGE)  # no question
    assert done.status_code == 303 and _active(services, "gavle_officer")
    page = browser.get(PAGE)
    assert "Kontot gavle_officer är aktiverat igen." in text_of(page)
    assert " Ja Stäng av kontot" in text_of(_row(page, "gavle_officer"))
    assert _log_in(officer, "gavle_officer") == 302

    # what the page does not offer is refused when posted
    for data in ({"user": str(multi_id), "active": "no"}, {"user": str(multi_id), "active": "no", "confirm": "yes"},
                 {"user": str(_id(services, "officer")), "active": "no", "confirm": "yes"}):
        assert browser.post(PAGE + "active", data, page=PAGE).status_code == 403, data
    assert _active(services, "multi") and _active(services, "officer")
    own = browser.post(PAGE + "active", {"user": str(_id(services, "admin_gavle")), "active": "no"}, page=PAGE)
    assert own.status_code == 422
    assert "Du kan inte stänga av eller aktivera ditt eget konto." in text_of(own.get_data(as_text=True))
    for odd in ("", "abc", "9" * 40, "99999", "\x00"):
        assert browser.post(PAGE + "active", {"user": odd, "active": "no"}, page=PAGE).status_code == 404, odd
    assert browser.post(PAGE + "active", {"user": str(officer_id), "active": "no", "confirm": "yes",
                                          "municipality": "falun"}, page=PAGE).status_code == 403
    no_token = browser.client.post(PAGE + "active", data={"user": str(officer_id), "active": "no", "confirm": "yes"})
    assert no_token.status_code == 400 and _active(services, "gavle_officer")
    # and in English
    english = text_of(browser.get(PAGE + "?lang=en"))
    assert "Deactivate the account of gavle_officer" in english


def test_the_installation_administrator_on_the_page(staff: None, client: FlaskClient, services: Services) -> None:
    browser = Browser(client)
    browser.login("admin")
    everyone = browser.get(PAGE + "?q=multi")
    assert "Stäng av kontot för multi" in text_of(everyone)
    assert 'name="q" value="multi"' in everyone
    done = browser.post(PAGE + "active", {"user": str(_id(services, "multi")), "active": "no", "confirm": "yes",
                                          "q": "multi"}, page=PAGE)
    assert done.status_code == 303 and done.headers["Location"].endswith(PAGE + "?q=multi")
    assert not _active(services, "multi")
    chosen = browser.post(PAGE + "active", {"user": str(_id(services, "multi")), "active": "yes",
                                            "municipality": "gavle"}, page=PAGE + "?municipality=gavle")
    assert chosen.status_code == 303 and chosen.headers["Location"].endswith("?municipality=gavle")
    assert _active(services, "multi")
    admins = browser.get(PAGE + "?q=admin")
    assert "Stäng av kontot" not in text_of(_row(admins, "admin"))  # not their own
    assert "Stäng av kontot för admin_gavle" in text_of(_row(admins, "admin_gavle"))


def test_the_cli_deactivates_and_activates(staff: None, client: FlaskClient, services: Services,
                                           monkeypatch: Any) -> None:
    monkeypatch.setenv("IOP_DATABASE_URL", services.settings.database_url)
    token = Api(client, "officer")
    runner = CliRunner()
    off = runner.invoke(main, ["user", "deactivate", "officer"])
    assert off.exit_code == 0, off.output
    assert "officer is now deactivated" in off.output
    assert not _active(services, "officer") and _sessions(services, "officer") == 0
    assert token.get("/api/v1/tasks").status_code == 401
    assert _token_status(client, "officer") == 401
    again = runner.invoke(main, ["user", "deactivate", "officer"])
    assert again.exit_code == 0 and "officer is already deactivated" in again.output
    on = runner.invoke(main, ["user", "activate", "officer"])
    assert on.exit_code == 0 and "officer is now active" in on.output
    assert _token_status(client, "officer") == 200
    unknown = runner.invoke(main, ["user", "deactivate", "nobody"])
    assert unknown.exit_code != 0 and "there is no user 'nobody'" in unknown.output
