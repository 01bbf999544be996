"""The modeller and the case diagram in a real browser: bpmn-js loads under the CSP, an edit is validated
and deployed as a new version, a broken edit is refused with the problem shown on the element, and the case
page marks the case's steps."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.models import DefinitionVersion
from app.services import Services
from tests.browser.test_happy_path_browser import log_in

MODELLER_LINK = "Öppna falun_initiative.bpmn (version 1) i modelleraren"


def falun_versions(services: Services) -> int:
    with services.unit_of_work() as s:
        return s.scalar(select(func.count(DefinitionVersion.id))
                        .where(DefinitionVersion.process_id == "falun_initiative")) or 0


def watch_console(page: Any) -> list[str]:
    """Errors the page logs (a CSP violation, a failed script) end up here."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def open_modeller(page: Any) -> None:
    log_in(page, "owner")
    page.get_by_role("link", name="Processer", exact=True).click()
    page.get_by_role("heading", level=1, name="Processer").wait_for()
    page.get_by_role("link", name=MODELLER_LINK).click()
    page.locator("#modeller[data-ready=true]").wait_for()
    page.locator(".djs-element[data-element-id=review_draft]").wait_for()


@pytest.mark.browser
def test_edit_validate_and_deploy_in_the_modeller(page: Any, services: Services) -> None:
    errors = watch_console(page)
    open_modeller(page)
    assert page.get_by_role("status").filter(has_text="Diagrammet är inläst.").count() == 1
    renamed = page.evaluate("""() => {
        const modeler = window.iopModeler;
        const task = modeler.get('elementRegistry').get('review_draft');
        modeler.get('modeling').updateLabel(task, 'Granska utkastet noga');
        return task.businessObject.name;
    }""")
    assert renamed == "Granska utkastet noga"
    page.get_by_role("button", name="Validera").click()
    page.get_by_text("Inga problem hittades. Diagrammet kan driftsättas.").wait_for()
    assert page.locator("#modeller-problems").is_hidden()
    assert page.locator(".iop-problem-badge").count() == 0

    page.get_by_role("button", name="Driftsätt").focus()
    page.keyboard.press("Enter")  # the buttons work from the keyboard
    page.get_by_role("heading", level=1, name="Processer").wait_for()
    assert "falun_initiative version 2 är driftsatt" in page.inner_text(".flashes")
    latest = page.locator('table[data-process="falun_initiative"] tbody tr').first
    assert latest.get_attribute("data-version") == "2"
    assert "senaste" in latest.inner_text().lower() and "owner" in latest.inner_text()
    assert falun_versions(services) == 2
    page.screenshot(path="/tmp/iop_processes.png", full_page=True)
    with services.unit_of_work() as s:
        row = s.scalars(select(DefinitionVersion).where(DefinitionVersion.process_id == "falun_initiative")
                        .order_by(DefinitionVersion.version.desc())).first()
        assert row is not None and 'name="Granska utkastet noga"' in row.files["falun_initiative.bpmn"]
        assert "falun_review_draft.json" in row.files  # the forms went along
    assert errors == []


@pytest.mark.browser
def test_a_broken_edit_is_refused_and_the_problem_sits_on_the_element(page: Any, services: Services) -> None:
    errors = watch_console(page)
    open_modeller(page)
    new_id = page.evaluate("""() => {
        const modeler = window.iopModeler;
        const registry = modeler.get('elementRegistry');
        const beside = registry.get('review_draft');
        const shape = modeler.get('modeling').createShape(
            { type: 'bpmn:UserTask' },
            { x: beside.x + beside.width / 2, y: beside.y + beside.height + 60 },
            beside.parent);
        modeler.get('modeling').updateLabel(shape, 'Uppgift utan formulär');
        return shape.id;
    }""")
    page.get_by_role("button", name="Validera").click()
    summary = page.locator("#modeller-problems")
    summary.wait_for()
    item = summary.locator(f"li[data-element-id='{new_id}']").first
    assert "Uppgift utan formulär" in item.inner_text()
    badge = page.locator(f".iop-problem-badge[data-element-id='{new_id}']")
    assert badge.is_visible() and "fel" in badge.inner_text()
    assert page.locator(f".djs-element.iop-has-problem[data-element-id='{new_id}']").count() == 1
    assert "problem hittades" in page.inner_text("#modeller-status")

    page.get_by_role("button", name="Driftsätt").click()
    page.get_by_text("Versionen driftsattes inte").wait_for()
    assert page.locator(f".iop-problem-badge[data-element-id='{new_id}']").is_visible()
    assert falun_versions(services) == 1  # nothing deployed

    item.get_by_role("button").click()  # "Visa i diagrammet" selects the element
    page.locator(f".djs-element.selected[data-element-id='{new_id}']").wait_for()
    page.screenshot(path="/tmp/iop_modeller_problem.png", full_page=True)
    assert [e for e in errors if "status of 422" not in e] == []  # the refusal itself is a 422


@pytest.mark.browser
def test_case_page_shows_the_diagram_with_marked_steps(page: Any, services: Services) -> None:
    errors = watch_console(page)
    log_in(page, "org_a")
    page.get_by_role("link", name="Starta ett nytt initiativ").first.click()
    page.get_by_label("Falu kommun").check()
    page.get_by_role("button", name="Starta initiativet").click()
    page.get_by_role("heading", level=1, name="Fyll i checklistan").wait_for()
    page.get_by_role("link", name="KS 2026/0001").click()
    page.get_by_role("heading", level=2, name="Processdiagram").wait_for()
    page.locator("#case-viewer[data-ready=true]").wait_for()
    active = page.locator(".djs-element.iop-state-active[data-element-id=checklist]")
    assert active.count() == 1
    assert page.locator(".djs-element.iop-state-completed").count() >= 1
    badge = page.locator(".iop-state-badge.active[data-element-id=checklist]")
    assert badge.inner_text().endswith("Pågår")
    assert "Fyll i checklistan" in page.locator("li[data-step-state=active]").first.inner_text()
    page.screenshot(path="/tmp/iop_case_diagram.png", full_page=True)
    legend = page.locator("ul.legend").inner_text()
    assert "Klart" in legend and "Pågår" in legend and "Misslyckades" in legend
    assert errors == []
