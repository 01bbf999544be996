"""Log-in throttling per account and per address, on the page and the API, recorded for the administrator."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.core.clock import ManualClock
from app.services import Services
from tests.conftest import PASSWORD
from tests.web.pages import Browser, text_of

ADDRESS_LIMIT = 4  # failed log-ins per address (Settings.login_max_per_address) in the tests of that limit


def _try(browser: Browser, username: str, password: str, **kw: Any) -> Any:
    token = browser.token("/login")
    return browser.client.post("/login", data={"csrf_token": token, "username": username, "password": password},
                               **kw)


def test_the_sixth_wrong_password_gets_429_and_the_right_one_waits(browser: Browser, clock: ManualClock) -> None:
    for _ in range(5):
        assert _try(browser, "lawyer", "fel-losenord").status_code == 401
    resp = _try(browser, "lawyer", "fel-losenord")
    assert resp.status_code == 429
    assert 0 < int(resp.headers["Retry-After"]) <= 15 * 60
    assert "För många misslyckade inloggningar" in text_of(resp.get_data(as_text=True))
    right = _try(browser, "lawyer", PASSWORD)
    assert right.status_code == 429  # refused without checking the password
    assert _try(browser, "officer", PASSWORD).status_code == 302  # another account is not affected
    clock.advance(minutes=15, seconds=1)
    assert _try(browser, "lawyer", PASSWORD).status_code == 302


def test_throttled_attempts_do_not_spend_hashing_work(browser: Browser, monkeypatch: Any) -> None:
    for _ in range(5):
        _try(browser, "lawyer", "fel-losenord")
    calls = []
    import app.web.security as security

    real = security.verify_password
    monkeypatch.setattr(security, "verify_password", lambda *a: calls.append(1) or real(*a))
    assert _try(browser, "lawyer", "fel-losenord").status_code == 429
    assert calls == []


def test_too_many_failures_from_one_address_are_throttled(browser: Browser, services: Services) -> None:
    assert services.settings.login_max_per_address == 20  # the default (README)
    # a lower limit here: each unknown username costs a hash at the application's own costs (0.1-0.3 s)
    services.settings.login_max_per_address = ADDRESS_LIMIT
    for number in range(ADDRESS_LIMIT):
        assert _try(browser, f"nobody{number}", "fel-losenord").status_code == 401
    resp = _try(browser, "lawyer", PASSWORD)
    assert resp.status_code == 429 and "Retry-After" in resp.headers
    other_address = _try(browser, "lawyer", PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other_address.status_code == 302


def test_the_api_token_endpoint_is_throttled_too(client: FlaskClient, people: Any, clock: ManualClock) -> None:
    for _ in range(5):
        assert client.post("/api/v1/auth/token", json={"username": "lawyer", "password": "x"}).status_code == 401
    resp = client.post("/api/v1/auth/token", json={"username": "lawyer", "password": PASSWORD})
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) > 0
    assert resp.get_json()["error"]["code"] == "too_many_requests"
    clock.advance(minutes=16)
    assert client.post("/api/v1/auth/token", json={"username": "lawyer", "password": PASSWORD}).status_code == 200


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(services: Services, people: Any) -> None:
    from app.web.factory import create_app

    services.settings.login_max_per_address = ADDRESS_LIMIT
    plain = Browser(create_app(services.settings, services=services).test_client())
    for number in range(ADDRESS_LIMIT):
        _try(plain, f"nobody{number}", "x", headers={"X-Forwarded-For": f"10.0.0.{number}"})
    assert _try(plain, "lawyer", PASSWORD, headers={"X-Forwarded-For": "10.9.9.9"}).status_code == 429

    services.settings.trusted_proxies = 1
    proxied = Browser(create_app(services.settings, services=services).test_client())
    assert _try(proxied, "lawyer", PASSWORD, headers={"X-Forwarded-For": "10.9.9.9"}).status_code == 302


def test_failed_log_ins_are_shown_to_the_administrator(browser: Browser) -> None:
    _try(browser, "lawyer", "fel-losenord")
    _try(browser, "ingen-sadan", "fel-losenord")
    browser.client.post("/api/v1/auth/token", json={"username": "officer", "password": "fel"})
    browser.login("owner")
    assert browser.client.get("/admin/logins").status_code == 403
    browser.login("admin")
    assert "/admin/logins" in browser.get("/admin/")
    page = text_of(browser.get("/admin/logins"))
    assert "lawyer" in page and "ingen-sadan" in page and "officer" in page and "127.0.0.1" in page
