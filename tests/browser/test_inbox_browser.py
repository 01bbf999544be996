"""Chromium, as Falun's officer with 71 open tasks: the count in the navigation, search, filter and sort
without JavaScript, page 2 and back, claiming with the explanation in words, and after completing a task
"Avslutade av mig" leading to the case. axe-core on each view; screenshots in /tmp/shots/h2/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.services import Services
from bench.inbox_bench import clone_open_tasks
from tests import falun_steps as steps
from tests.api.helpers import complete, start
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h2")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _free_rows(page: Any) -> list[str]:
    return page.locator("section[aria-labelledby=free-heading] tbody th a").all_inner_texts()


def test_officer_searches_pages_claims_and_finds_what_they_finished(services: Services, api: Any,
                                                                    page: Any) -> None:
    org = api("org_a")
    case = start(org)
    for name, actor, data in steps.HAPPY_PATH[:3]:
        complete(api(actor), case["id"], name, data)
    clone_open_tasks(services, role="officer", municipality="falun", count=70, organisations=4)
    reg = case["registration_number"]

    page.goto("/login")
    page.get_by_label("Användarnamn").fill("officer")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Logga ut").first.wait_for()
    page.goto("/tasks/")
    assert page.get_by_role("link", name="Mina uppgifter (71)").is_visible()
    assert page.get_by_text("50 av 71 visas").is_visible()
    _shot(page, "inbox")

    # page 2 and back
    first = _free_rows(page)
    page.get_by_role("link", name="Nästa sida").first.click()
    page.get_by_text("21 av 71 visas").wait_for()
    assert len(_free_rows(page)) == 21
    _shot(page, "inbox-page-2")
    page.get_by_role("link", name="Föregående sida").first.click()
    page.get_by_text("50 av 71 visas").wait_for()
    assert _free_rows(page) == first

    # filter and sort through the form
    page.get_by_label("Bara försenade").check()
    page.get_by_label("Sortera efter").select_option("created")
    page.get_by_label("Ordning").select_option("desc")
    page.get_by_role("button", name="Visa", exact=True).click()
    page.wait_for_url("**overdue=1**")
    overdue_rows = page.locator("section[aria-labelledby=free-heading] tbody tr")
    assert overdue_rows.count() > 0
    assert overdue_rows.count() == page.locator("section[aria-labelledby=free-heading] tbody tr.overdue").count()
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Öppnad")
    _shot(page, "inbox-filtered")

    # search: the real case by its registration number
    page.get_by_role("link", name="Rensa sökning och filter").click()
    page.get_by_label("Sök", exact=True).fill(reg)
    page.get_by_role("button", name="Visa", exact=True).click()
    page.get_by_text("1 av 1 visas").wait_for()
    assert page.get_by_text("då ser dina kollegor att du arbetar med den").is_visible()

    # claim: the row moves to "Tilldelade mig", the search stays
    page.get_by_role("button", name="Ta uppgiften").click()
    page.get_by_text("Du har tagit uppgiften").wait_for()
    assert page.get_by_label("Sök", exact=True).input_value() == reg
    mine = page.locator("section[aria-labelledby=mine-heading]")
    assert reg in mine.inner_text() and mine.get_by_role("button", name="Släpp uppgiften").is_visible()
    _shot(page, "inbox-claimed")

    # complete it, then find it under "Avslutade av mig" and go to the case
    complete(api("officer"), case["id"], "department_decision", steps.DEPT_YES)
    page.goto("/tasks/")
    page.get_by_role("link", name="Avslutade av mig").click()
    done = page.locator("section[aria-labelledby=done-heading]")
    done.wait_for()
    assert "Besluta om IOP ska upprättas" in done.inner_text() and reg in done.inner_text()
    _shot(page, "inbox-finished")
    done.get_by_role("link", name=reg).click()
    page.wait_for_url(f"**/cases/{case['id']}")
