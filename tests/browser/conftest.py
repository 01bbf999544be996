"""A real HTTP server for the app in a background thread, and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def serving(app: Flask, port: int = 0) -> Iterator[str]:
    """The app on a loopback port (0: any free one) in a thread; yields its base URL."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def live_server(app: Flask, people: Any) -> Iterator[str]:
    with serving(app) as url:
        yield url


def _missing(reason: str) -> None:
    """Skip on a developer's machine; under CI a missing browser or axe-core fails instead of passing empty."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests)")
    pytest.skip(reason)


@pytest.fixture
def axe() -> Any:
    """`axe(page, name)`: screenshot plus axe-core WCAG 2.1 A/AA check, failing on critical/serious findings."""
    from tests.browser.axe import AXE_SCRIPT, assert_accessible

    if not AXE_SCRIPT.exists():
        _missing(f"axe-core is not installed ({AXE_SCRIPT} missing): run scripts/setup_frontend.sh")
    return assert_accessible


@pytest.fixture
def page(live_server: str) -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing("Debian's Chromium (/usr/bin/chromium) is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server, viewport={"width": 1100, "height": 900})
        context.set_default_timeout(15000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture
def stenungsund_admin(services: Any, page: Any) -> Any:
    """`page`, logged in as Stenungsund's own administrator (st_admin, "Sara Admin"), made for the test."""
    from app.domain.accounts import add_user
    from tests.conftest import PASSWORD, PASSWORD_HASH

    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_admin", PASSWORD, "admin", municipality="stenungsund",
                 display_name="Sara Admin", password_hash=PASSWORD_HASH)
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("st_admin")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Inloggad som Sara Admin").wait_for()
    return page
