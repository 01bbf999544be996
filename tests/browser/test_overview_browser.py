"""Chromium: an administrator reads the overview (charts with their tables), finds a failed case there and
opens it; axe-core WCAG 2.1 AA; screenshots in /tmp/shots/h5/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from app.models import Case
from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD
from tests.overview.data import NOW, write_known
from tests.stenungsund import steps

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h5")


def _check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def test_admin_reads_the_overview_and_opens_a_failed_case(services: Services, page: Any, axe: Any) -> None:
    agreement_case = steps.to_decision(services)  # a running Stenungsund agreement: payments, follow-ups
    steps.advance(services, "2026-01-01")
    steps.advance(services, "2026-11-23")
    services.clock.set(NOW)  # type: ignore[attr-defined]  # the known data set's tasks fall due before this
    failed_id = steps.start(services)  # a real case (its page opens), then stopped by an error
    with services.unit_of_work() as s:
        failed = s.get(Case, failed_id)
        assert failed is not None
        failed.status = "failed"
        failed.summary = {**failed.summary, "incident": {"message": "Ekonomisystemet svarade inte"}}
        number = failed.registration_number
    write_known(services)  # more cases, tasks and agreements in Falun and Stenungsund for the charts
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto("/admin/")
    assert page.get_by_role("heading", name=re.compile(r"Ärenden som har fastnat \(3\)")).is_visible()
    charts = page.locator("svg[role=img]")
    assert charts.count() == 7  # overdue, steps, four calendar kinds, SEK per year
    assert page.get_by_role("img", name="Utlovat och utbetalt per år").is_visible()
    assert page.get_by_role("table", name="Öppna uppgifter vars sista dag har passerat, per roll").is_visible()
    for summary in page.locator("summary", has_text="Visa som tabell").all():
        summary.click()
    assert page.get_by_role("table", name="Utlovat och utbetalt per år och kommun").is_visible()
    _check(page, "overview")
    for section in ("failed", "overdue", "steps", "calendar", "money"):  # each part at full size, to look at
        page.locator(f"section[aria-labelledby={section}-heading]").screenshot(path=str(SHOTS / f"{section}.png"))
    page.set_viewport_size({"width": 420, "height": 900})
    page.reload()
    _check(page, "overview-narrow")
    page.set_viewport_size({"width": 1100, "height": 900})
    row = page.locator("tr", has_text="Ekonomisystemet svarade inte")
    assert number in row.inner_text()
    row.get_by_role("link", name=number).click()
    page.wait_for_url(re.compile(rf"/cases/{failed_id}$"))
    assert number in page.locator("h1").inner_text() or page.get_by_text(number).first.is_visible()
    assert agreement_case != failed_id
