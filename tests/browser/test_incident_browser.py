"""Chromium: an administrator finds a failed case from the overview, sees the failure on the case page and on
the diagram, presses "Försök igen" once the cause is fixed and sees the case go on; axe-core WCAG 2.1 AA on
each page; screenshots in /tmp/shots/h1/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD
from tests.incidents.conftest import admins, broken, case_row, failed_case, service_handlers  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h1")


def _check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def test_admin_finds_the_failed_case_and_retries_it(services: Services, admins: Any, broken: Any,  # noqa: F811
                                                    page: Any, axe: Any) -> None:
    case_id = failed_case(services)
    number = case_row(services, case_id).registration_number
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("falun_admin")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto("/admin/?status=failed")
    _check(page, "overview-failed")
    page.get_by_role("link", name=number).first.click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}"))
    panel = page.locator("#arende-admin")
    assert "Steget 'Beräkna bidrag' kunde inte köras" in panel.inner_text()
    page.get_by_text("Teknisk beskrivning av felet").click()
    assert "ekonomisystemet svarar inte" in panel.inner_text()
    failed_step = page.locator("li.step-failed", has_text="Beräkna bidrag")
    assert failed_step.count() >= 1
    if page.locator("#case-viewer").count():
        page.locator('#case-viewer [data-element-id="compute"].iop-state-failed').first.wait_for()
    _check(page, "case-failed")
    broken["broken"] = False  # the finance system answers again
    page.get_by_role("button", name="Försök igen").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}"))
    assert page.get_by_text("Ärendet kördes igen.").is_visible()
    assert page.locator("#arende-admin").get_by_text("Ärendet har stoppats av ett fel").count() == 0
    assert page.locator("li.step-failed").count() == 0
    assert page.locator("#flytta-tidpunkt").is_visible()  # it goes on: the thirty-day wait has begun
    _check(page, "case-retried")
    assert case_row(services, case_id).status == "running"
