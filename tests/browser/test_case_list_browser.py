"""Chromium: an officer finds cases on /cases/ (status and organisation, a sort, page 2), saves the filter, opens
it again and downloads the CSV; axe-core WCAG 2.1 AA on each view; screenshots in /tmp/shots/h3/."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.case_list.conftest import SPECS, insert_cases
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h3")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"case-list-{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _regs(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("table.case-list tbody th a").all_inner_texts()]


def test_officer_filters_pages_saves_and_exports(app: Flask, services: Services, page: Any, axe: Any) -> None:
    insert_cases(services, SPECS)
    app.config["CASE_LIST_PAGE_SIZE"] = 2
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("officer")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden").click()
    assert page.get_by_role("heading", name="8 ärenden").is_visible()
    _shot(page, "all")

    page.get_by_label("Status").select_option(label="Pågår")
    page.get_by_label("Organisation (namn eller organisationsnummer)").fill("Stödcentrum")
    page.get_by_role("button", name="Visa").click()
    assert page.get_by_role("heading", name="2 ärenden").is_visible()
    assert sorted(_regs(page)) == ["KS 2026/0003", "KS 2027/0001"]

    page.get_by_label("Organisation (namn eller organisationsnummer)").fill("")
    page.get_by_role("button", name="Visa").click()
    page.locator("thead").get_by_role("link", name="Diarienummer").click()
    assert _regs(page) == ["KS 2026/0001", "KS 2026/0002"]
    assert page.locator("th[aria-sort='ascending']").count() == 1
    _shot(page, "running-sorted")
    page.get_by_role("link", name="Nästa sida").click()
    assert _regs(page) == ["KS 2026/0003", "KS 2027/0001"]
    assert page.get_by_role("heading", name="4 ärenden").is_visible()
    _shot(page, "page-2")

    page.get_by_label("Namn på filtret").fill("Pågående")
    page.get_by_role("button", name="Spara filter").click()
    assert page.get_by_text("Filtret ”Pågående” är sparat.").is_visible()
    page.get_by_role("link", name="Rensa alla val").click()
    assert page.get_by_role("heading", name="8 ärenden").is_visible()
    page.get_by_role("link", name="Pågående", exact=True).click()
    assert page.get_by_role("heading", name="4 ärenden").is_visible() and _regs(page)[0] == "KS 2026/0001"
    _shot(page, "saved-filter")

    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner som CSV (Excel)").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["KS 2026/0001", "KS 2026/0002", "KS 2026/0003", "KS 2027/0001"]

    page.goto("/cases/?after=forged")
    assert page.get_by_text("Sidan kunde inte visas").is_visible()
    _shot(page, "forged-cursor")
