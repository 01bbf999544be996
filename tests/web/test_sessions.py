"""Server-side sessions: log-out and password change revoke, idle and absolute timeouts, cookie flags, headers."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from app.core.clock import ManualClock
from app.models import User
from app.services import Services
from app.web.factory import create_app
from tests.conftest import PASSWORD
from tests.web.pages import Browser, text_of

NEW_PASSWORD = "ett-helt-nytt-losenord"


@pytest.fixture(autouse=True)
def _real_timeouts(services: Services) -> None:
    services.settings.session_idle_minutes = 30  # the defaults; tests/conftest.py lengthens them for other tests
    services.settings.session_max_hours = 12


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _copy(app: Flask, value: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_copied_before_log_out_no_longer_opens_pages(app: Flask, browser: Browser) -> None:
    browser.login("lawyer")
    copied = _session_cookie(browser.client)
    assert _copy(app, copied).get("/tasks/").status_code == 200
    assert browser.post("/logout", page="/tasks/").status_code == 302
    resp = _copy(app, copied).get("/tasks/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_an_idle_session_ends_after_the_idle_timeout(browser: Browser, clock: ManualClock) -> None:
    browser.login("lawyer")
    clock.advance(minutes=29)
    assert browser.client.get("/tasks/").status_code == 200  # activity keeps it alive
    clock.advance(minutes=29)
    assert browser.client.get("/tasks/").status_code == 200
    clock.advance(minutes=31)
    resp = browser.client.get("/tasks/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_an_active_session_ends_after_the_absolute_timeout(browser: Browser, clock: ManualClock) -> None:
    browser.login("lawyer")
    for _ in range(12 * 3):  # 12 hours of activity every 20 minutes
        clock.advance(minutes=20)
        if browser.client.get("/tasks/").status_code != 200:
            break
    else:
        pytest.fail("the session outlived the absolute timeout")
    resp = browser.client.get("/tasks/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_timeouts_come_from_settings(services: Services, people: dict[str, User], clock: ManualClock) -> None:
    services.settings.session_idle_minutes = 5
    short = Browser(create_app(services.settings, services=services).test_client())
    short.login("lawyer")
    clock.advance(minutes=6)
    assert short.client.get("/tasks/").status_code == 302


def test_cookies_are_http_only_and_same_site_and_secure_over_https(browser: Browser) -> None:
    resp = browser.login("lawyer")
    header = resp.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    token = browser.token("/login")
    secure = browser.client.post("/login", data={"csrf_token": token, "username": "lawyer", "password": PASSWORD},
                                 base_url="https://localhost", headers={"Referer": "https://localhost/login"})
    assert secure.status_code == 302
    assert "Secure" in secure.headers["Set-Cookie"]


def test_a_setting_marks_cookies_secure_and_turns_on_hsts(services: Services, people: dict[str, User]) -> None:
    services.settings.https = True
    services.settings.hsts_seconds = 31536000
    client = create_app(services.settings, services=services).test_client()
    resp = Browser(client).login("lawyer")
    assert "Secure" in resp.headers["Set-Cookie"]
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_no_hsts_by_default_and_a_complete_csp(browser: Browser) -> None:
    resp = browser.client.get("/login")
    assert "Strict-Transport-Security" not in resp.headers
    csp = resp.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "form-action 'self'", "base-uri 'self'", "object-src 'none'",
                 "frame-ancestors 'none'"):
        assert part in csp


def _change(browser: Browser, current: str, new: str, again: str) -> Any:
    return browser.post("/account/password", {"current_password": current, "new_password": new,
                                              "new_password_again": again})


def test_changing_the_password_revokes_every_other_session(app: Flask, browser: Browser, api: Any) -> None:
    browser.login("lawyer")
    elsewhere = Browser(app.test_client())
    elsewhere.login("lawyer")
    token_client = api("lawyer")
    assert token_client.get("/api/v1/tasks").status_code == 200
    page = browser.get("/account/password")
    assert 'name="csrf_token"' in page
    resp = _change(browser, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert resp.status_code == 302
    assert browser.client.get("/tasks/").status_code == 200  # the one who changed it stays logged in
    assert elsewhere.client.get("/tasks/").status_code == 302
    assert token_client.get("/api/v1/tasks").status_code == 401
    browser.logout()
    assert browser.login("lawyer", NEW_PASSWORD).status_code == 302


def test_password_change_explains_mistakes_in_swedish(browser: Browser) -> None:
    browser.login("lawyer")
    wrong = _change(browser, "inte-mitt-losenord", NEW_PASSWORD, NEW_PASSWORD)
    assert wrong.status_code == 422 and "Nuvarande lösenord stämmer inte" in text_of(wrong.get_data(as_text=True))
    differ = _change(browser, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert differ.status_code == 422 and "De nya lösenorden är inte lika" in text_of(differ.get_data(as_text=True))
    short = _change(browser, PASSWORD, "kort", "kort")
    assert short.status_code == 422 and "minst 10 tecken" in text_of(short.get_data(as_text=True))
    without_token = browser.client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert without_token.status_code == 400
    browser.logout()
    assert browser.login("lawyer").status_code == 302  # nothing changed


def test_api_token_log_out_revokes_the_token(api: Any) -> None:
    lawyer = api("lawyer")
    assert lawyer.get("/api/v1/tasks").status_code == 200
    assert lawyer.post("/api/v1/auth/logout").status_code == 204
    assert lawyer.get("/api/v1/tasks").status_code == 401


def test_api_tokens_expire_after_the_absolute_timeout(api: Any, clock: ManualClock) -> None:
    lawyer = api("lawyer")
    clock.advance(hours=11, minutes=59)
    assert lawyer.get("/api/v1/tasks").status_code == 200
    clock.advance(minutes=2)
    assert lawyer.get("/api/v1/tasks").status_code == 401


def test_cli_passwd_changes_the_password_and_revokes_sessions(
        services: Services, people: dict[str, User], api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    lawyer = api("lawyer")
    monkeypatch.setenv("IOP_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(services.settings.instance_path))
    from app.cli import main

    short = CliRunner().invoke(main, ["user", "passwd", "lawyer", "--password-stdin"], input="kort\n")
    assert short.exit_code != 0 and "at least 10" in short.output
    missing = CliRunner().invoke(main, ["user", "passwd", "nobody", "--password-stdin"], input=NEW_PASSWORD + "\n")
    assert missing.exit_code != 0 and "nobody" in missing.output
    result = CliRunner().invoke(main, ["user", "passwd", "lawyer", "--password-stdin"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert lawyer.get("/api/v1/tasks").status_code == 401
    client = lawyer.client
    assert client.post("/api/v1/auth/token", json={"username": "lawyer", "password": NEW_PASSWORD}).status_code == 200
