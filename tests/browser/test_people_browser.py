"""Chromium: Stenungsund's administrator gives a Falun officer a role in Stenungsund on "Personer och roller",
then takes it away after the confirmation. Screenshots in $IOP_SHOTS_DIR (default /tmp/shots)/walk-people-*.png,
axe-core WCAG 2.1 AA on each page."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_the_administrator_grants_and_revokes_a_role(stenungsund_admin: Any, axe: Any) -> None:
    page = stenungsund_admin
    page.goto("/admin/")
    page.get_by_role("link", name="Personer och roller").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Personer och roller – Stenungsunds kommun"
    table = page.get_by_role("table", name="Personer")
    assert "other_officer" in table.inner_text() and "lawyer" not in table.inner_text()

    # a mistake first: named in the summary and at the field, the typed name kept
    page.get_by_label("Användarnamn", exact=True).fill("lawyr")
    page.get_by_label("Roll", exact=True).select_option("board")
    page.get_by_role("button", name="Ge rollen").click()
    assert "Användarnamn: Det finns ingen person med användarnamnet lawyr." in page.get_by_role("alert").inner_text()
    field = page.get_by_label("Användarnamn", exact=True)
    assert field.input_value() == "lawyr" and field.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Roll", exact=True).input_value() == "board"
    axe(page, "people-error")

    field.fill("lawyer")
    page.get_by_role("button", name="Ge rollen").click()
    assert "lawyer har fått rollen Nämnd/kommunstyrelse i Stenungsunds kommun." in page.locator(".flashes").inner_text()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="lawyer", exact=True))
    assert "Nämnd/kommunstyrelse – Stenungsunds kommun" in row.inner_text()
    axe(page, "people-granted")

    row.get_by_role("button", name="Ta bort rollen Nämnd/kommunstyrelse i Stenungsunds kommun för lawyer").click()
    assert page.get_by_role("heading", name="Ta bort rollen?").is_visible()
    axe(page, "people-confirm")
    page.get_by_role("button", name="Ja, ta bort rollen").click()
    assert ("Rollen Nämnd/kommunstyrelse i Stenungsunds kommun är borttagen för lawyer."
            in page.locator(".flashes").inner_text())
    assert "lawyer" not in page.get_by_role("table", name="Personer").inner_text().split()
    axe(page, "people-revoked")


def test_the_administrator_deactivates_an_account_after_confirming(stenungsund_admin: Any, axe: Any) -> None:
    page = stenungsund_admin
    page.goto("/admin/people/")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="other_officer", exact=True))
    assert "Ja" in row.inner_text().split()
    own = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="st_admin", exact=True))
    assert own.get_by_role("button").count() == 0  # not one's own account

    row.get_by_role("button", name="Stäng av kontot för other_officer").click()
    assert page.get_by_role("heading", name="Stäng av kontot?").is_visible()
    assert "Personen kan inte längre logga in" in page.locator(".notice").inner_text()
    axe(page, "people-deactivate-confirm")
    page.get_by_role("button", name="Ja, stäng av kontot").click()
    assert "Kontot other_officer är avstängt." in page.locator(".flashes").inner_text()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="other_officer", exact=True))
    assert row.get_by_role("cell").nth(2).inner_text().split()[0] == "Nej"
    assert row.get_by_role("button", name="Aktivera kontot för other_officer").is_visible()
    axe(page, "people-deactivated")
