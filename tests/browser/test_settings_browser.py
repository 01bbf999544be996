"""Chromium: Stenungsund's administrator changes the municipality's settings: a wrong value is named in the error
summary and at its field and nothing written is lost; the saved change is listed with who made it, before and
after. Screenshots in $IOP_SHOTS_DIR (default /tmp/shots)/walk-settings-*.png, axe-core WCAG 2.1 AA on each page."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_the_administrator_changes_a_setting_and_sees_the_change(stenungsund_admin: Any, axe: Any) -> None:
    page = stenungsund_admin
    page.goto("/admin/")
    page.get_by_role("link", name="Kommunens inställningar").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kommunens inställningar – Stenungsunds kommun"
    dialogue = page.get_by_label("Förnyelsedialogen öppnar, månader före avtalets slut")
    assert dialogue.input_value() == "9"
    axe(page, "settings-form")

    dialogue.fill("6")
    page.get_by_label("Längsta avtalstid, år").fill("tolv")
    page.get_by_label("Återbetalningsregel som förval").select_option("none")
    page.get_by_role("button", name="Spara inställningarna").click()
    alert = page.get_by_role("alert")
    assert "Längsta avtalstid, år: Skriv ett heltal mellan 1 och 10." in alert.inner_text()
    assert page.get_by_label("Längsta avtalstid, år").get_attribute("aria-invalid") == "true"
    assert dialogue.input_value() == "6"  # nothing written is lost
    assert page.get_by_label("Återbetalningsregel som förval").input_value() == "none"
    axe(page, "settings-error")

    page.get_by_label("Längsta avtalstid, år").fill("4")
    page.get_by_role("button", name="Spara inställningarna").click()
    assert page.get_by_role("status").inner_text() == "Inställningarna är sparade."
    assert dialogue.input_value() == "6"
    changes = page.get_by_role("table", name="Ändringar").inner_text()
    assert "Sara Admin" in changes and "Förnyelsedialogen öppnar, månader före avtalets slut\t9\t6" in changes
    assert "Ingen återbetalning" in changes and "Längsta avtalstid, år\t5\t4" in changes
    axe(page, "settings-saved")
