"""Chromium: Stenungsund's economic plan filled by the officer with two parties and statistics (label and
unit), rows added and removed in place by forms.js; the organisation's yearly report with one number per
statistic the plan named; the explain-why-not boxes of Falun's checklist shown only for a "Nej"; and the
same rows added without JavaScript. axe-core on the form pages; screenshots in /tmp/h/shots/forms/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.models import CaseEvent
from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import ORG_B, PASSWORD
from tests.stenungsund import steps

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/h/shots/forms")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


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
    page.get_by_text("Logga ut").first.wait_for()


def _values(services: Services, case_id: int, task_name: str) -> dict[str, Any]:
    with services.unit_of_work() as s:
        events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "task_completed",
                                                   CaseEvent.task_name == task_name).order_by(CaseEvent.id))
        found = [e.data["values"] for e in events]
    assert found
    return dict(found[-1])


def _to_plan(services: Services) -> tuple[int, str]:
    services.clock.set(steps.midnight("2025-10-01"))  # type: ignore[attr-defined]
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    steps.complete(services, case_id, "dialogue", steps.DIALOGUE)
    [task] = steps.open_tasks(services, case_id)
    return case_id, task.id


def test_economic_plan_with_two_parties_and_the_yearly_report_with_named_numbers(
        services: Services, page: Any) -> None:
    case_id, task_id = _to_plan(services)
    _login(page, "other_officer")  # Stenungsund's officer
    page.goto(f"/tasks/{task_id}")
    page.get_by_label("Kommunens ekonomiska stöd per år (kr)").fill("400000")
    page.get_by_label("Avtalsperioden börjar").fill("2026-01-01")
    page.get_by_label("Avtalstid (år, högst fem)").fill("2")
    page.get_by_label("Organisationens egna medel per år (kr)").fill("50000")
    page.get_by_label("Volontärtimmar per år").fill("1200")
    page.get_by_label("Värde per volontärtimme (kr)").fill("250")

    parties = page.locator("#f-parties")
    assert parties.get_by_text("Inga rader ännu.").is_visible()
    url = page.url
    for _ in range(3):  # three rows in place (no page load), the middle one removed again below
        parties.get_by_role("button", name="Lägg till part").click()
    assert page.url == url
    assert parties.locator("fieldset.form-row").count() == 3
    assert page.evaluate("document.activeElement.name") == "parties[2][name]"  # focus in the new row
    for i, (name, number, share) in enumerate([("Stödcentrum", ORG_B, "40"), ("Ska bort", "1", "1"),
                                               ("Fritidsgården", "802400-0005", "20")]):
        row = parties.locator("fieldset.form-row").nth(i)
        row.get_by_label("Namn").fill(name)
        row.get_by_label("Organisationsnummer").fill(number)
        row.get_by_label("Andel av kommunens stöd (%)").fill(share)
    parties.get_by_role("button", name="Ta bort part 2").click()
    assert parties.locator("fieldset.form-row").count() == 2
    second = parties.locator("fieldset.form-row").nth(1)
    assert second.locator("legend").inner_text() == "Part 2"  # renumbered
    assert second.get_by_label("Namn").get_attribute("name") == "parties[1][name]"
    assert second.get_by_label("Namn").input_value() == "Fritidsgården"
    second.get_by_label("Firmatecknare").fill("Eva Ek")

    statistics = page.locator("#f-statistics")
    first = statistics.locator("fieldset.form-row").first
    assert first.get_by_role("button", name="Ta bort statistikmått 1").is_hidden()  # at least one is needed
    first.get_by_label("Vad räknas").fill("individkontakter")
    first.get_by_label("Enhet").fill("samtal")
    statistics.get_by_role("button", name="Lägg till statistikmått").click()
    row = statistics.locator("fieldset.form-row").nth(1)
    row.get_by_label("Vad räknas").fill("unika personer")
    row.get_by_label("Enhet").fill("personer")
    page.get_by_label("Outnyttjad del av utbetalt stöd").check()
    _shot(page, "01-economic-plan-filled")

    with page.expect_navigation():
        page.get_by_role("button", name="Skicka", exact=True).click()
    page.locator(".flash-success").wait_for()
    plan = _values(services, case_id, "economic_plan")
    assert plan["parties"] == [
        {"name": "Stödcentrum", "org_number": ORG_B, "share_percent": 40},
        {"name": "Fritidsgården", "org_number": "802400-0005", "share_percent": 20, "signatory": "Eva Ek"}]
    assert plan["statistics"] == [{"label": "individkontakter", "unit": "samtal"},
                                  {"label": "unika personer", "unit": "personer"}]

    for name, data in [("documents", steps.DOCS), ("documents_check", steps.ALL_RECEIVED),
                       ("suitability", steps.SUITABLE), ("board_decision", steps.DECISION)]:
        steps.complete(services, case_id, name, data)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    [report] = [t for t in steps.open_tasks(services, case_id) if t.name == "report"]

    _login(page, "org_a")
    page.goto(f"/tasks/{report.id}")
    numbers = page.get_by_role("group", name="Statistik enligt överenskommelsen")
    assert numbers.get_by_label("individkontakter (samtal)").get_attribute("type") == "number"
    numbers.get_by_label("individkontakter (samtal)").fill("340")
    tmp = SHOTS / "statement.pdf"
    SHOTS.mkdir(parents=True, exist_ok=True)
    tmp.write_bytes(PDF)
    page.get_by_label("Resultaträkning").set_input_files(str(tmp))
    page.get_by_label("Balansräkning").set_input_files(str(tmp))
    page.get_by_label("Skriftlig beskrivning av verksamheten").fill("Ett år med många samtal.")
    page.get_by_role("button", name="Skicka", exact=True).click()  # one number missing
    summary = page.locator(".error-summary")
    summary.wait_for()
    # forms.js (a module: it runs after the page is parsed, so after the summary is visible) moves focus to it
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('error-summary')",
                           timeout=5000)
    assert "unika personer: Fyll i ett värde för ”unika personer”." in summary.inner_text()
    _shot(page, "02-report-error")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "statistics_values[unika personer]"
    page.get_by_label("unika personer (personer)").fill("85")
    with page.expect_navigation():
        page.get_by_role("button", name="Skicka", exact=True).click()
    page.locator(".flash-success").wait_for()
    assert _values(services, case_id, "report")["statistics_values"] == {
        "individkontakter": 340, "unika personer": 85}


def test_explain_why_not_appears_only_for_no(services: Services, page: Any) -> None:
    _login(page, "org_a")
    page.goto("/portal/new")
    page.get_by_label("Falu kommun").check()
    page.get_by_role("button", name="Starta initiativet").click()
    page.get_by_role("heading", level=1, name="Fyll i checklistan").wait_for()
    explain = page.locator("#f-no_market_comment")
    assert explain.is_hidden()
    page.get_by_role("group", name="Det finns ingen marknad").get_by_label("Nej").check()
    assert explain.is_visible()
    explain.fill("Det finns andra aktörer.")
    page.get_by_role("group", name="Det finns ingen marknad").get_by_label("Ja").check()
    assert explain.is_hidden() and explain.input_value() == "Det finns andra aktörer."  # kept
    page.get_by_role("group", name="Verksamheten sker på den idéburna").get_by_label("Nej").check()
    _shot(page, "03-checklist-one-no")


def test_rows_are_added_without_javascript(services: Services, page: Any, live_server: str) -> None:
    _, task_id = _to_plan(services)
    context = page.context.browser.new_context(base_url=live_server, java_script_enabled=False)
    nojs = context.new_page()
    try:
        _login(nojs, "other_officer")
        nojs.goto(f"/tasks/{task_id}")
        nojs.get_by_label("Kommunens ekonomiska stöd per år (kr)").fill("400000")
        nojs.locator("#f-statistics").get_by_label("Vad räknas").fill("individkontakter")
        with nojs.expect_navigation():
            nojs.get_by_role("button", name="Lägg till part").click()
        assert nojs.get_by_label("Kommunens ekonomiska stöd per år (kr)").input_value() == "400000"
        assert nojs.locator("#f-statistics").get_by_label("Vad räknas").input_value() == "individkontakter"
        assert nojs.locator("#f-parties").get_by_label("Namn").get_attribute("autofocus") is not None
        nojs.locator("#f-parties").get_by_label("Namn").fill("Stödcentrum")
        with nojs.expect_navigation():  # Enter in a text box sends the form, it does not remove a row
            nojs.locator("#f-parties").get_by_label("Namn").press("Enter")
        assert nojs.locator(".error-summary").is_visible()
        assert nojs.locator("#f-parties").get_by_label("Namn").input_value() == "Stödcentrum"
        nojs.screenshot(path=str(SHOTS / "04-no-javascript-after-enter.png"), full_page=True)  # (axe needs JS)
        assert steps.names(services, steps_case_of(services, task_id)) == ["economic_plan"]
    finally:
        context.close()


def steps_case_of(services: Services, task_id: str) -> int:
    from app.models import OpenTask
    with services.unit_of_work() as s:
        task = s.get(OpenTask, task_id)
        assert task is not None
        return task.case_id
