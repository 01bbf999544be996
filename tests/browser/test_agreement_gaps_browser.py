"""Chromium: the agreement page's later stages (a decided next period with the statistics the agreement names;
after an early end, the muted timeline) and the second party's portal link; axe-core WCAG 2.1 AA; screenshots
under /tmp/h/shots/agreement-gaps/."""

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
SHOTS = Path("/tmp/h/shots/agreement-gaps")
PLAN: dict[str, Any] = dict(steps.PLAN, period_start="2026-01-01", period_years=1,
                            parties=[{"name": "Stödcentrum", "org_number": ORG_B}],
                            statistics=[{"label": "deltagare", "unit": "personer"}])


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_decided_next_period_and_the_second_partys_portal(services: Services, page: Any, axe: Any) -> None:
    case_id = steps.to_decision(services, plan=PLAN)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-06-01", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": True, "renewal_decision_date": "2026-09-01", "renewal_minute_reference": "KS § 99",
        "renewal_yearly_support_sek": 420000, "renewal_years": 2, "renewal_interval": "yearly"})
    _login(page, "org_b")
    page.goto("/portal/")
    _shot(page, "portal-second-party")
    page.get_by_role("link", name="Överenskommelse i ärende").first.click()
    periods = page.get_by_role("table", name="Avtalsperioder").inner_text().replace("\u00a0", " ").lower()
    assert "beslutad, börjar 1 januari 2027" in periods and "31 december 2028" in periods
    stats = page.get_by_role("table", name="Statistik som ska redovisas").inner_text()
    assert "deltagare" in stats and "personer" in stats
    _shot(page, "next-period")


def test_timeline_after_an_early_end(services: Services, page: Any, axe: Any) -> None:
    case_id = steps.to_decision(services, plan=dict(PLAN, period_years=5))
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-06-01")
    steps.terminate(services, case_id, "2026-06-01", "Verksamheten upphör.")
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    _login(page, "st_officer")
    page.goto(f"/cases/{case_id}/agreement")
    assert page.locator("svg.agreement-timeline .void").count() >= 4
    assert page.locator("svg.agreement-timeline .renewal").count() == 0
    assert page.get_by_text("Inte aktuellt efter avslut").is_visible()
    _shot(page, "terminated")
