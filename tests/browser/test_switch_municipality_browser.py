"""Chromium, as a person who is officer in Falun and lawyer in Gävle: the switcher in the header, Falun's tasks,
then after switching Gävle's and only Gävle's. axe-core on both views; screenshots in $IOP_SHOTS_DIR
(default /tmp/shots) as walk-switch-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.tenancy.conftest import Tenancy, tenancy  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_person_with_two_municipalities_switches_in_the_header(
        tenancy: Tenancy, page: Any, axe: Any) -> None:  # noqa: F811  (the fixture imported above)
    falun, gavle = tenancy.numbers("falun"), tenancy.numbers("gavle")
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("multi")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Logga ut").first.wait_for()
    page.goto("/tasks/")
    chooser = page.get_by_label("Agerar som")
    assert chooser.is_visible()
    options = chooser.locator("option").all_inner_texts()
    assert [o.strip() for o in options] == ["Handläggare, Falu kommun", "Stadsjurist, Gävle kommun"]
    body = page.locator("main").inner_text()
    assert falun[0] in body and not any(n in body for n in gavle)
    axe(page, "switch-falun")

    chooser.select_option(label="Stadsjurist, Gävle kommun")
    page.get_by_role("button", name="Byt").click()
    page.get_by_text("Du agerar nu som Stadsjurist i Gävle kommun.").wait_for()
    assert page.get_by_label("Agerar som").input_value() != ""
    body = page.locator("main").inner_text()
    assert gavle[0] in body and not any(n in body for n in falun)
    page.goto("/cases/")
    body = page.locator("main").inner_text()
    assert all(n in body for n in gavle) and not any(n in body for n in falun)
    page.goto("/tasks/")
    axe(page, "switch-gavle")
