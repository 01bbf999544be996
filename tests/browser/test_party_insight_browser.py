"""Chromium: the organisation opens its Falun case after the department's decision. It reads, in plain Swedish,
what a party sees (its own answers, the decision with its feedback) and not the city lawyer's reasoning, which
stays with the municipality until the case closes; no claim of a task by staff shows. axe-core WCAG 2.1 AA.
Screenshot: /tmp/shots/visibility/party-case.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.driving.case_driver import CaseDriver
from app.services import Services
from tests import falun_steps
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD
from tests.visibility.conftest import (
    GROUND,
    LEGAL_OK,
    MASK,
    REASONING,
    add_shelter_people,
    falun_case,
    shelter_report,
    shows_visitors,
)

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/visibility")


def test_the_organisation_sees_its_case_but_not_the_lawyers_reasoning(services: Services, page: Any) -> None:
    case_id = falun_case(services, LEGAL_OK)
    CaseDriver(services, case_id).complete("department_decision", falun_steps.DEPT_YES)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1000})
    _login(page, "org_a")
    page.goto(f"/cases/{case_id}")

    body = page.locator("main")
    text = " ".join(body.inner_text().split())
    assert "som ni som part har rätt att ta del av" in text  # what a party sees, said in plain Swedish
    assert str(falun_steps.DEPT_YES["feedback_to_organisation"]) in text  # the decision, fed back
    history = page.locator(".case-history")
    assert str(falun_steps.INITIATIVE["activity_title"]) in history.inner_text()  # its own answers
    assert "Ska ett IOP upprättas?" in history.inner_text()  # the decision's answers
    assert REASONING not in page.content()
    assert "Motivering" not in history.inner_text()
    page.screenshot(path=str(SHOTS / "party-case.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Logga ut").first.wait_for()


def test_the_shelter_reads_its_statistics_as_secret_and_the_administrator_reads_the_log(
        services: Services, page: Any, password_hash: str) -> None:
    shelter_people = add_shelter_people(services, password_hash)
    case_id = shelter_report(services)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1000})
    _login(page, shelter_people["organisation"])
    page.goto(f"/cases/{case_id}")
    history = page.locator(".case-history")
    assert MASK in history.inner_text() and not shows_visitors(page.content())
    page.locator(".secret-value").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "shelter-case.png"), full_page=False)

    _login(page, shelter_people["officer"])
    page.goto(f"/cases/{case_id}")
    assert shows_visitors(page.locator(".case-history").inner_text())
    _login(page, "admin")
    page.goto("/admin/secret-views")
    table = " ".join(page.locator("main table").inner_text().split())
    assert "Statistik enligt överenskommelsen" in table and GROUND in table and "Ärendets sidor" in table
    page.screenshot(path=str(SHOTS / "secret-views.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)
