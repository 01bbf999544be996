"""Chromium: the officer ends an agreement early from the agreement page (form, claim preview, confirmation), the
organisation sees the claim on its agreement page, finance opens the payments page and records the repayment
through its task until the claim is settled; axe-core WCAG 2.1 AA on every page (0 critical/serious);
screenshots in /tmp/h/shots/agreement-actions/ (or IOP_SHOTS_DIR)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from app.domain.accounts import add_user
from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("IOP_SHOTS_DIR", "/tmp/h/shots/agreement-actions"))
CLAIM = round(400000 * 183 / 365)  # 200 548 kr


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def _text(locator: Any) -> str:
    return str(locator.inner_text()).replace("\u00a0", " ")


def test_terminate_claim_and_settle(services: Services, page: Any, axe: Any) -> None:
    case_id = steps.to_decision(services)
    other = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-06-15")  # the other agreement's first payment is overdue
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "st_finance", PASSWORD, "finance", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)

    _login(page, "st_officer")
    page.goto(f"/cases/{case_id}/agreement")
    page.get_by_role("link", name="Avsluta överenskommelsen i förtid").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Avsluta överenskommelsen i förtid")
    page.get_by_label("Varför avslutas överenskommelsen?").fill("Föreningen upphör med verksamheten.")
    page.get_by_label("Första dagen utan verksamhet").fill("2031-01-01")  # after the period
    page.get_by_role("button", name="Visa återbetalningskravet").click()
    assert "efter avtalsperiodens slut 2030-12-31" in _text(page.get_by_role("alert"))
    assert page.get_by_label("Varför avslutas överenskommelsen?").input_value() == "Föreningen upphör med " \
                                                                                   "verksamheten."
    _shot(page, "terminate-error")
    page.get_by_label("Första dagen utan verksamhet").fill("2026-07-02")
    page.get_by_role("button", name="Visa återbetalningskravet").click()
    assert _text(page.locator("#claim-amount")) == "200 548 kr"
    _shot(page, "terminate-preview")
    page.get_by_role("button", name="Bekräfta: avsluta överenskommelsen").click()
    assert "Överenskommelsen är avslutad i förtid" in _text(page.get_by_role("status").first)
    assert "Avslutad i förtid" in _text(page.locator("dl.facts").first)
    _shot(page, "agreement-terminated")

    _login(page, "org_a")
    page.goto(f"/cases/{case_id}/agreement")
    claim = _text(page.get_by_role("region", name="Återbetalning"))
    assert "200 548 kr" in claim and "Föreningen upphör med verksamheten." in claim and "Inte reglerad" in claim
    assert "200 548 kr att betala tillbaka, 0 kr återbetalt" in _text(page.locator("dl.facts").first)
    _shot(page, "organisation-claim")

    _login(page, "st_finance")
    page.get_by_role("link", name="Utbetalningar").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Utbetalningar – Stenungsunds kommun"
    payments = _text(page.get_by_role("table", name="Utbetalningar"))
    assert "Försenad" in payments and "Utbetald 2026-01-02 (VER-1)" in payments
    _shot(page, "finance-payments")
    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Visa", exact=True).click()
    assert "state=overdue" in page.url
    rows = page.get_by_role("table", name="Utbetalningar").locator("tbody tr")
    assert rows.count() == 1 and f"/cases/{other}/agreement" in rows.first.inner_html()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som CSV (Excel)").click()
    csv_text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Diarienummer;") and len(csv_text.splitlines()) == 2

    page.get_by_role("link", name="Registrera återbetalning").click()
    page.get_by_label("Mottaget belopp (kr)").fill(str(CLAIM))
    page.get_by_label("Mottaget datum").fill("2026-08-01")
    _shot(page, "finance-repayment-task")
    page.get_by_role("button", name="Skicka").click()
    page.goto("/finance/payments")
    claims = _text(page.get_by_role("table", name="Återbetalningskrav"))
    assert "Reglerad" in claims and "200 548 kr" in claims
    _shot(page, "finance-settled")
    page.goto(f"/cases/{case_id}/agreement")
    assert "200 548 kr att betala tillbaka, 200 548 kr återbetalt" in _text(page.locator("dl.facts").first)
    claim = _text(page.get_by_role("region", name="Återbetalning"))
    assert "Reglerad" in claim and "Inte reglerad" not in claim
    _shot(page, "agreement-settled")
