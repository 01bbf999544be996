"""Chromium: a Falun officer reads the document register (diarium) on a case page, and the case's organisation
finds it from its portal; the download link of a registered file works; axe-core WCAG 2.1 AA.
Screenshots: /tmp/shots/register/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.domain import attachments
from app.driving.case_driver import CaseDriver
from app.models import Case, User
from app.services import Services
from tests import falun_steps
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import ORG_A, PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/register")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def _case_with_documents(services: Services) -> tuple[int, str]:
    driver = CaseDriver.start(services, "falun", ORG_A, actor="org_a")
    for name, who, data in falun_steps.HAPPY_PATH[:5]:
        driver.complete(name, data, who)
    with services.unit_of_work() as s:
        case = s.get(Case, driver.case_id)
        org_user = s.query(User).filter(User.username == "org_a").one()
        assert case is not None
        attachments.store_upload(s, services.clock, case, org_user, "attachments",
                                 attachments.Upload("stadgar.pdf", PDF))
        return case.id, case.registration_number


def test_officer_and_organisation_read_the_register(services: Services, page: Any) -> None:
    case_id, number = _case_with_documents(services)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, "officer")
    page.goto(f"/cases/{case_id}#register")
    register = page.locator("#register")
    register.get_by_role("heading", name="Diarium: handlingar i ärendet").wait_for()
    rows = register.locator("tbody tr")
    registered = rows.count()
    assert registered >= 6
    assert rows.first.locator("th").inner_text() == f"{number}-1"
    decision = register.locator("tr[data-kind=decision]")
    assert "Upprättad" in decision.inner_text() and "Beslut: Besluta om IOP ska upprättas" in decision.inner_text()
    upload = register.locator("tr[data-kind=upload]")
    assert "Inkommen" in upload.inner_text() and "Föreningen Gemenskap" in upload.inner_text()
    with page.expect_download() as download:
        upload.get_by_role("link", name="stadgar.pdf").click()
    assert download.value.suggested_filename == "stadgar.pdf"
    register.screenshot(path=str(SHOTS / "officer-register.png"))
    found = blocking(run_axe(page))
    assert not found, describe(found)

    _login(page, "org_a")
    page.goto("/portal/")
    # the party is shown every row but the lawyer's working document, until the case is closed (visibility)
    page.get_by_role("link", name=f"Handlingar i ärendet ({registered - 1})").first.click()
    page.locator("#register tbody tr").first.wait_for()
    assert page.locator("#register tbody tr").count() == registered - 1
    assert "Bedöm om IOP är rätt avtalsform" not in page.locator("#register").inner_text()
    mails = page.locator("#register tr[data-kind=mail]")
    assert mails.count() >= 1 and "Utgående" in mails.first.inner_text()
    page.locator("#register").screenshot(path=str(SHOTS / "organisation-register.png"))
    found = blocking(run_axe(page))
    assert not found, describe(found)
