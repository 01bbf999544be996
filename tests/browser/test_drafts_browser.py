"""Chromium: "Spara utkast" on Falun's initiative form keeps what was typed (without demanding the required
fields), the page comes back with the values and "Utkast sparat <tid>", and "Ta bort utkastet" empties it.
axe-core on the page with the draft notice; screenshots in /tmp/h/shots/drafts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.models.draft import TaskDraft
from app.services import Services
from tests import falun_steps as steps
from tests.api.helpers import complete, start, task_of
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/h/shots/drafts")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _drafts(services: Services) -> list[TaskDraft]:
    with services.unit_of_work() as s:
        return list(s.scalars(select(TaskDraft)))


def test_a_draft_is_saved_shown_again_and_deleted(services: Services, api: Any, page: Any) -> None:
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("org_a")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Logga ut").first.wait_for()
    org = api("org_a")  # the case and its checklist through the API; the initiative form in the browser
    case = start(org)
    complete(org, case["id"], "checklist", steps.CHECKLIST)
    task = task_of(org, case["id"], "initiative")
    page.goto(f"/tasks/{task['id']}")
    page.get_by_label("Verksamhetens namn").fill("Läxhjälp på biblioteket")
    page.locator("#f-description").fill("Två kvällar i veckan.\nVolontärer från gymnasiet.")
    page.get_by_role("button", name="Spara utkast").click()
    page.get_by_text("Utkast sparat 2026-11-23 09:00").wait_for()
    assert page.url.endswith(f"/tasks/{task['id']}#draft-notice")
    assert page.get_by_text("Utkastet är sparat. Du kan fortsätta senare.").is_visible()
    assert page.locator(".error-summary").count() == 0  # nothing was demanded
    _shot(page, "draft-saved")
    page.reload()
    assert page.get_by_label("Verksamhetens namn").input_value() == "Läxhjälp på biblioteket"
    assert "Volontärer från gymnasiet." in page.locator("#f-description").input_value()
    assert [d.data["activity_title"] for d in _drafts(services)] == ["Läxhjälp på biblioteket"]
    page.get_by_role("button", name="Ta bort utkastet").click()
    page.get_by_text("Utkastet är borttaget.").wait_for()
    assert page.get_by_label("Verksamhetens namn").input_value() == ""
    assert _drafts(services) == []
    _shot(page, "draft-deleted")
