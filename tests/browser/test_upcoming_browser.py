"""Chromium: the board reads the upcoming page (overdue payment, months, SEK per year), the header link leads
there, and a calendar link is created; screenshots in /tmp/shots/upcoming-*.png, axe-core WCAG 2.1 AA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.domain.accounts import add_user
from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"upcoming-{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def test_board_reads_upcoming_and_makes_a_calendar_link(services: Services, page: Any, axe: Any) -> None:
    steps.to_decision(services)
    steps.advance(services, "2026-01-01")  # released; nobody pays: overdue
    steps.advance(services, "2026-03-01")
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("st_board")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("link", name="Kommande").click()
    assert page.get_by_role("heading", name="Försenat").is_visible()
    assert page.get_by_role("table", name="November 2026").is_visible()
    assert "400 000 kr" in page.get_by_role("table", name="Stöd per kalenderår i de löpande avtalen") \
        .inner_text().replace("\u00a0", " ").replace("\u202f", " ")
    _shot(page, "board")
    page.get_by_role("button", name="Skapa kalenderlänk").click()
    link = page.get_by_label("Din nya kalenderlänk (kopiera den nu, den visas bara en gång):").input_value()
    assert "/calendar/" in link and link.endswith(".ics")
    _shot(page, "calendar-link")
