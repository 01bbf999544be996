"""Chromium: the officer and the organisation open the agreement page from the case page (timeline, payment
plan with a held payment, follow-ups), it prints without navigation; screenshots /tmp/shots/agreement-*.png,
axe-core WCAG 2.1 AA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.domain.accounts import add_user
from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import ORG_B, PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"agreement-{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_officer_and_organisation_read_the_agreement(services: Services, page: Any, axe: Any) -> None:
    case_id = steps.to_decision(services, plan=dict(steps.PLAN, parties=[{"name": "Stödcentrum",
                                                                           "org_number": ORG_B}]))
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.RETURN)
    steps.advance(services, "2027-01-01")  # payment 2 held: year 1 not approved
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)

    _login(page, "st_officer")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Visa överenskommelsen").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Överenskommelse i ärende")
    plan = page.get_by_role("table", name="Utbetalningsplan").inner_text().replace("\u00a0", " ")
    assert "Innehållen: redogörelsen för år 1 är inte godkänd" in plan and "400 000 kr" in plan
    assert page.locator("svg.agreement-timeline").is_visible()
    assert page.get_by_role("link", name="Avsluta överenskommelsen i förtid").is_visible()
    _shot(page, "officer")
    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible()
    assert not page.get_by_role("link", name="Avsluta överenskommelsen i förtid").is_visible()
    page.screenshot(path=str(SHOTS / "agreement-print.png"), full_page=True)
    page.emulate_media(media="screen")

    _login(page, "org_b")  # a party organisation that is not the case's own
    page.goto(f"/cases/{case_id}/agreement")
    assert "Stödcentrum" in page.get_by_role("table", name="Parter").inner_text()
    assert page.get_by_role("link", name="Avsluta överenskommelsen i förtid").count() == 0
    _shot(page, "organisation")
