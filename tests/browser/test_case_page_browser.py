"""Chromium: a Stenungsund officer opens a case that has run for a year. The diagram opens readable (zoom
over 0.4, not the 14 % of fitting the whole drawing), zooms with its buttons and with + − 0 on the drawing,
shows Swedish lane names and no element ids; the history is folded by day; axe-core WCAG 2.1 AA.
Screenshots: /tmp/shots/h4/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.domain.accounts import add_user
from app.models import Case
from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.case_page.conftest import run_a_year
from tests.conftest import PASSWORD, PASSWORD_HASH

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots/h4")
ELEMENT_IDS = ("a_merge", "split", "esc_split", "pay_split", "fu_split", "r_split", "gw_kind", "lane_officer")


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def _zoom(page: Any) -> float:
    return float(page.evaluate("() => window.iopCaseViewer.get('canvas').zoom()"))


def test_officer_reads_the_diagram_and_the_history(services: Services, page: Any, axe: Any) -> None:
    case_id = run_a_year(services)
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    _login(page, "st_officer")
    page.goto(f"/cases/{case_id}")
    page.locator("#case-viewer[data-ready=true]").wait_for()

    # opens readable: not the whole 6,600 px wide drawing squeezed into the box
    assert _zoom(page) > 0.4
    box = page.locator("#case-viewer").bounding_box()
    assert 320 <= box["height"] <= 0.7 * 1000 + 1
    assert page.locator(".diagram-layout").bounding_box()["width"] > 1250  # the window's width, not the text column
    page.locator(".diagram-layout").screenshot(path=str(SHOTS / "case-diagram.png"))

    # lanes in Swedish, no element shows its id
    labels = page.locator("#case-viewer .djs-label, #case-viewer .djs-visual text").all_text_contents()
    drawn = " ".join(labels)
    assert "Handläggare" in drawn and "Idéburen organisation" in drawn
    assert "Officer" not in labels and "Board" not in labels and "Finance" not in labels
    words = set(" ".join(page.locator("#case-viewer").all_text_contents()).split())
    assert not words & set(ELEMENT_IDS), words & set(ELEMENT_IDS)
    assert page.locator(".iop-state-badge.active").count() >= 1
    assert page.locator(".iop-state-badge.waiting").count() >= 1

    # zoom buttons (named) and keys on the focused drawing
    start = _zoom(page)
    page.get_by_role("button", name="Zooma in").click()
    assert _zoom(page) > start * 1.2
    page.get_by_role("button", name="Zooma ut").click()
    page.get_by_role("button", name="Zooma ut").click()
    assert _zoom(page) < start
    page.get_by_role("button", name="Visa hela diagrammet").click()
    whole = _zoom(page)
    assert whole < start
    page.locator(".diagram-layout").screenshot(path=str(SHOTS / "case-diagram-whole.png"))
    page.locator("#case-viewer svg[role=img]").focus()
    page.keyboard.press("+")
    assert _zoom(page) > whole
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert _zoom(page) < whole
    page.keyboard.press("0")
    assert abs(_zoom(page) - whole) < 0.01
    assert page.locator("#zoom-level").inner_text().startswith("Zoom ")
    page.keyboard.press("+")
    x = page.evaluate("() => window.iopCaseViewer.get('canvas').viewbox().x")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.iopCaseViewer.get('canvas').viewbox().x") > x  # shows more to the right

    # the text list beside the drawing says each step's state in words
    steps = page.locator("#case-element-states")
    assert "Lämna redogörelse för året ▶ pågår" in " ".join(steps.inner_text().split())
    assert "Nio månader före utgång" in steps.locator("li[data-step-state=waiting]").all_inner_texts()[0]

    # history: the newest day open, older days and years folded
    history = page.locator(".case-history")
    assert history.locator("details.history-day[open]").count() == 1
    assert history.locator("details.history-year").count() == 2  # 2026 and 2025
    newest = history.locator("details.history-day[open]")
    assert "Tidpunkten för ”Redogörelsen är försenad” inträffade (1 december 2026)" in newest.inner_text()
    assert "timer_fired" not in history.inner_text()
    paid = history.get_by_text("Slutförde uppgiften ”Genomför utbetalning”")
    assert not paid.is_visible()
    history.locator("details.history-year > summary").first.click()
    history.locator(".history-day-label", has_text="1 januari 2026").click()
    assert paid.is_visible()
    page.screenshot(path=str(SHOTS / "case-page.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)

    # a phone: the page reflows (no sideways scrolling), the drawing still opens readable
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    page.locator("#case-viewer[data-ready=true]").wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 391
    assert _zoom(page) > 0.4
    page.screenshot(path=str(SHOTS / "case-page-phone.png"), full_page=False)
    page.set_viewport_size({"width": 1400, "height": 1000})

    # the English page names the lanes in English
    page.goto(f"/cases/{case_id}?lang=en")
    page.locator("#case-viewer[data-ready=true]").wait_for()
    drawn = " ".join(page.locator("#case-viewer .djs-label, #case-viewer .djs-visual text").all_text_contents())
    assert "Department officer" in drawn

    # a failed case: the administrator sees the step it stopped at, marked failed in words and on the drawing
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        case.status = "failed"
        case.summary = {**case.summary, "incident": {"at": "2027-01-01T00:00:00+00:00", "task": "hold",
                                                     "step": "Håll inne utbetalningen",
                                                     "message": "Steget kunde inte köras", "detail": "KeyError"}}
    _login(page, "admin")
    page.goto(f"/cases/{case_id}")
    page.locator("#case-viewer[data-ready=true]").wait_for()
    badge = page.locator(".iop-state-badge.failed[data-element-id=hold]")
    assert badge.inner_text().endswith("Misslyckades")
    assert "Håll inne utbetalningen ✗ misslyckades" in " ".join(
        page.locator("#case-element-states").inner_text().split())
    page.screenshot(path=str(SHOTS / "case-page-failed-admin.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)
