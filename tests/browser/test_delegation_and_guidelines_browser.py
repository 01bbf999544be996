"""Chromium: the board's secretary reports a delegated decision to a committee meeting (a wrong date is named
and nothing chosen is lost), and the process owner records the guidelines review of the term; screenshots in
/tmp/shots/delegation-*.png and guidelines-*.png, axe-core WCAG 2.1 AA on each page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.core.clock import ManualClock
from app.driving.case_driver import CaseDriver
from app.jobs.timer_sweep import fire_due_timers
from app.models import Case
from app.services import Services
from tests import falun_steps
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import ORG_A, PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_the_board_reports_a_delegated_decision_to_a_meeting(services: Services, page: Any) -> None:
    driver = CaseDriver.start(services, "falun", ORG_A, actor="org_a")
    for name, who, data in falun_steps.HAPPY_PATH[:4]:
        driver.complete(name, data, who)
    with services.unit_of_work() as s:
        case = s.get(Case, driver.case_id)
        assert case is not None
        number = case.registration_number
    _log_in(page, "board")
    page.get_by_role("link", name="Delegationsbeslut").click()
    table = page.get_by_role("table", name="Delegationsbeslut")
    assert number in table.inner_text() and "Förvaltningschef" in table.inner_text()
    _shot(page, "delegation-unreported")

    page.get_by_label(f"Anmäl beslutet i ärende {number}").check()
    page.get_by_label("Sammanträdesdatum").fill("20 jan")
    page.get_by_label("Protokollsreferens").fill("KS § 12")
    page.get_by_role("button", name="Anmäl valda beslut").click()
    assert page.get_by_role("alert").is_visible()
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in page.get_by_role("alert").inner_text()
    assert page.get_by_label(f"Anmäl beslutet i ärende {number}").is_checked()  # nothing lost
    assert page.get_by_label("Protokollsreferens").input_value() == "KS § 12"
    _shot(page, "delegation-error")

    page.get_by_label("Sammanträdesdatum").fill("2027-01-20")
    page.get_by_role("button", name="Anmäl valda beslut").click()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Anmälda delegationsbeslut, Kommunstyrelsen 20 januari 2027"
    assert number in page.get_by_role("table", name="Delegationsbeslut").inner_text()
    _shot(page, "delegation-report")


def test_the_process_owner_records_the_guidelines_review(services: Services, clock: ManualClock,
                                                         page: Any) -> None:
    clock.set(datetime(2027, 3, 1, 7, 0, tzinfo=UTC))
    fire_due_timers(services)
    _log_in(page, "owner")
    assert "Riktlinjerna för IOP ska ses över för mandatperioden 2026–2030." in page.locator("main").inner_text()
    page.get_by_role("link", name="Registrera översynen").click()
    assert page.get_by_role("heading", name="Översyn för mandatperioden 2026–2030").is_visible()
    page.get_by_label("Kommentar").fill("Avsnittet om uppföljning skrivs om.")
    page.get_by_role("button", name="Registrera översynen").click()
    assert "Välj om riktlinjerna gäller oförändrade" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Kommentar").input_value() == "Avsnittet om uppföljning skrivs om."
    _shot(page, "guidelines-error")
    page.get_by_label("Riktlinjerna har reviderats").check()
    page.get_by_label("Beslut", exact=True).fill("KF 2027-05-12 § 45")
    page.get_by_role("button", name="Registrera översynen").click()
    done = page.get_by_role("table", name="Gjorda översyner").inner_text()
    assert "2026–2030" in done and "KF 2027-05-12 § 45" in done
    assert "Nästa översyn ska göras från den 1 mars 2031" in page.locator("main").inner_text()
    _shot(page, "guidelines-done")
