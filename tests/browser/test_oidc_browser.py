"""Log-in with the municipality's account in Chromium, through a real OpenID provider (oidc-provider under Node):
the officer lands on the task list with the mapped role; log-out ends the session here and at the provider;
a person in no mapped group sees the refusal page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.config import Settings
from tests.browser.conftest import serving
from tests.oidc.node_provider import PASSWORD, NodeProvider, configure, free_port, running_provider

SHOTS = Path("/tmp/iop_oidc_screens")


@pytest.fixture
def app_port() -> int:
    return free_port()


@pytest.fixture
def oidc_provider(app_port: int, tmp_path: Path) -> Iterator[NodeProvider]:
    # the provider must know the app's redirect URI, so the app's port is chosen first
    with running_provider([f"http://127.0.0.1:{app_port}"], tmp_path / "oidc") as provider:
        yield provider


@pytest.fixture
def settings(settings: Settings, oidc_provider: NodeProvider) -> Settings:
    configure(settings, oidc_provider)
    return settings


@pytest.fixture
def live_server(app: Flask, people: Any, app_port: int) -> Iterator[str]:
    with serving(app, app_port) as url:
        yield url


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in_at_provider(page: Any, username: str) -> None:
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    page.get_by_role("heading", name="Logga in").wait_for()
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in", exact=True).click()


@pytest.mark.browser
def test_officer_logs_in_with_the_municipality_account_and_out_everywhere(
        page: Any, live_server: str, oidc_provider: NodeProvider) -> None:
    page.goto("/login")
    shot(page, "1_login")
    log_in_at_provider(page, "olle.ek")
    page.get_by_text("Inloggad som Olle Ek (Handläggare)").wait_for()
    assert page.url == f"{live_server}/tasks/"
    page.get_by_role("heading", level=1).first.wait_for()
    shot(page, "3_tasks")
    old_cookies = page.context.cookies()
    assert any(c["name"] == "session" for c in old_cookies)

    page.get_by_role("button", name="Logga ut").click()
    page.get_by_role("heading", name="Vill du logga ut från kommunens inloggningstjänst?").wait_for()
    assert page.url.startswith(oidc_provider.issuer + "/session/end")
    shot(page, "4_provider_logout")
    page.get_by_role("button", name="Ja, logga ut").click()
    page.get_by_text("Du är utloggad.").wait_for()
    assert page.url == f"{live_server}/login"
    shot(page, "5_logged_out")

    # the old session cookie opens nothing any more
    page.context.clear_cookies()
    page.context.add_cookies(old_cookies)
    page.goto("/tasks/")
    assert page.url.startswith(f"{live_server}/login")
    assert page.get_by_text("Inloggad som").count() == 0

    # and the provider forgot the person: the password is asked for again
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    page.get_by_label("Lösenord").wait_for()
    assert page.url.startswith(oidc_provider.issuer + "/interaction/")
    shot(page, "2_provider_login")


@pytest.mark.browser
def test_a_person_in_no_mapped_group_sees_the_refusal(page: Any, live_server: str) -> None:
    page.goto("/login")
    log_in_at_provider(page, "ulla.ny")
    page.get_by_role("heading", name="Du har inte tillgång till IOP-systemet").wait_for()
    assert "Inget konto har skapats här" in page.inner_text("main")
    assert "iop@kommun.example" in page.inner_text("main")
    shot(page, "6_refused")
    page.goto("/tasks/")
    assert page.url.startswith(f"{live_server}/login")
