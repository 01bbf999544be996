"""Falun's happy path in a real browser: every role logs in, works its task through the pages, logs out."""

from __future__ import annotations

from typing import Any

import pytest

from app.services import Services
from tests import falun_steps as steps
from tests.conftest import PASSWORD

SCREENSHOT = "/tmp/iop_task_page.png"


def log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text(f"Inloggad som {username}").wait_for()


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_text("Du är utloggad.").wait_for()


def fill(page: Any, data: dict[str, Any]) -> None:
    for name, value in data.items():
        if isinstance(value, bool):
            page.check(f'input[name="{name}"][value="{"true" if value else "false"}"]')
        elif page.locator(f'select[name="{name}"]').count():
            page.select_option(f'select[name="{name}"]', str(value))
        elif page.locator(f'input[type="radio"][name="{name}"]').count():
            page.check(f'input[name="{name}"][value="{value}"]')
        else:
            page.fill(f'[name="{name}"]', str(value))


def send(page: Any, title: str) -> None:
    page.get_by_role("button", name="Skicka", exact=True).click()
    page.get_by_text(f"Klart! ”{title}” är skickad.").wait_for()


def work_task(page: Any, username: str, title: str, data: dict[str, Any]) -> None:
    """Staff: find the task in My tasks, open it, fill it in, send."""
    log_in(page, username)
    page.get_by_role("link", name="Mina uppgifter").click()
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", level=1, name=title).wait_for()
    fill(page, data)
    send(page, title)
    log_out(page)


@pytest.mark.browser
def test_happy_path_through_the_pages(page: Any, services: Services) -> None:
    log_in(page, "org_a")
    page.get_by_role("link", name="Starta ett nytt initiativ").first.click()
    page.get_by_label("Falu kommun").check()
    page.get_by_role("button", name="Starta initiativet").click()
    page.get_by_role("heading", level=1, name="Fyll i checklistan").wait_for()
    assert "Initiativet är startat med diarienummer KS 2026/0001" in page.inner_text("main")
    fill(page, {**steps.CHECKLIST, "no_market": False})
    page.get_by_role("button", name="Skicka", exact=True).click()
    page.locator(".error-summary").wait_for()  # the comment is missing: the page says so, nothing is lost
    assert page.is_checked('input[name="follow_up"][value="true"]')
    page.fill('[name="no_market_comment"]', "Det finns inga andra aktörer, men vi vill vara tydliga.")
    page.check('input[name="no_market"][value="true"]')
    page.screenshot(path=SCREENSHOT, full_page=True)
    send(page, "Fyll i checklistan")
    page.get_by_role("heading", level=1, name="Skicka in initiativet").wait_for()  # straight to the next task
    fill(page, steps.INITIATIVE)
    send(page, "Skicka in initiativet")
    log_out(page)

    work_task(page, "lawyer", "Bedöm om IOP är rätt avtalsform", steps.LEGAL_OK)
    work_task(page, "officer", "Besluta om IOP ska upprättas", steps.DEPT_YES)
    work_task(page, "officer", "Upprätta avtalsutkast", steps.DRAFT)

    log_in(page, "org_a")
    page.get_by_role("link", name="Granska avtalsutkastet").click()
    assert "Minska ensamhet." in page.inner_text("main")  # the draft is shown (x-show)
    fill(page, steps.REVIEW_OK)
    send(page, "Granska avtalsutkastet")
    log_out(page)

    work_task(page, "lawyer", "Slutlig juridisk granskning", steps.FINAL_OK)

    log_in(page, "org_a")
    main = page.inner_text("main")
    assert "KS 2026/0001" in main
    assert "Avslutat: Avtalet är juridiskt godkänt" in main
    assert steps.FINAL_OK["review_comments"] in main
    log_out(page)
