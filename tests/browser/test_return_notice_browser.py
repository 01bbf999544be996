"""Chromium: Kungsbacka's budget check sends the case back to the budget task; the officer opens it and reads
why above the form (the diagram's noticeFrom), in a form that holds what was sent. axe-core on that page:
0 critical, 0 serious.
Screenshot: $IOP_SHOTS_DIR (default /tmp/shots)/walk-return-notice-budget.png."""

from __future__ import annotations

from typing import Any

import pytest

from app.services import Services
from tests.conftest import PASSWORD
from tests.kungsbacka import steps
from tests.web.pages import open_task

pytestmark = pytest.mark.browser


def test_the_officer_sees_why_the_budget_came_back(services: Services, password_hash: str, page: Any,
                                                   axe: Any) -> None:
    steps.add_people(services, password_hash)
    case_id = steps.start_by_organisation(services)
    steps.complete(services, case_id, "proposal", steps.PROPOSAL, "org_a")
    nothing = {**steps.BUDGET, "parties": [{"name": "Stödcentrum", "org_number": steps.PARTNER}]}
    steps.complete(services, case_id, "budget", nothing, "kb_officer")
    task = open_task(services, case_id)
    reason = steps.budget_problems(services, case_id)

    page.goto("/login")
    page.get_by_label("Användarnamn").fill("kb_officer")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Logga ut").first.wait_for()
    page.goto(f"/tasks/{task.id}")
    notice = page.get_by_role("status").filter(has_text="Ärendet har kommit tillbaka till det här steget")
    notice.wait_for()
    assert notice.is_visible()
    assert reason in notice.inner_text()
    # above the form: the notice comes before the form's heading
    notice_box = notice.bounding_box()
    form_box = page.locator("#form-heading").bounding_box()
    assert notice_box is not None and form_box is not None and notice_box["y"] < form_box["y"]
    # the form holds what was sent, to be corrected rather than typed again
    assert page.locator("#sent-before-notice").is_visible()
    assert page.locator('input[name="yearly_support_sek"]').input_value() == "300000"
    assert page.locator('input[name="parties[0][name]"]').input_value() == "Stödcentrum"
    axe(page, "return-notice-budget")
