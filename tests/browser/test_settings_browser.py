"""Chromium: Stenungsund's administrator changes the municipality's settings: a wrong value is named in the error
summary and at its field and nothing written is lost; the saved change is listed with who made it, before and
after. Screenshots in /tmp/shots/settings-*.png, axe-core WCAG 2.1 AA on each page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.domain.accounts import add_user
from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD, PASSWORD_HASH

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def test_the_administrator_changes_a_setting_and_sees_the_change(services: Services, page: Any) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_admin", PASSWORD, "admin", municipality="stenungsund",
                 display_name="Sara Admin", password_hash=PASSWORD_HASH)
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("st_admin")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto("/admin/")
    page.get_by_role("link", name="Kommunens inställningar").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kommunens inställningar – Stenungsunds kommun"
    dialogue = page.get_by_label("Förnyelsedialogen öppnar, månader före avtalets slut")
    assert dialogue.input_value() == "9"
    _shot(page, "settings-form")

    dialogue.fill("6")
    page.get_by_label("Längsta avtalstid, år").fill("tolv")
    page.get_by_label("Återbetalningsregel som förval").select_option("none")
    page.get_by_role("button", name="Spara inställningarna").click()
    alert = page.get_by_role("alert")
    assert "Längsta avtalstid, år: Skriv ett heltal mellan 1 och 10." in alert.inner_text()
    assert page.get_by_label("Längsta avtalstid, år").get_attribute("aria-invalid") == "true"
    assert dialogue.input_value() == "6"  # nothing written is lost
    assert page.get_by_label("Återbetalningsregel som förval").input_value() == "none"
    _shot(page, "settings-error")

    page.get_by_label("Längsta avtalstid, år").fill("4")
    page.get_by_role("button", name="Spara inställningarna").click()
    assert page.get_by_role("status").inner_text() == "Inställningarna är sparade."
    assert dialogue.input_value() == "6"
    changes = page.get_by_role("table", name="Ändringar").inner_text()
    assert "Sara Admin" in changes and "Förnyelsedialogen öppnar, månader före avtalets slut\t9\t6" in changes
    assert "Ingen återbetalning" in changes and "Längsta avtalstid, år\t5\t4" in changes
    _shot(page, "settings-saved")
