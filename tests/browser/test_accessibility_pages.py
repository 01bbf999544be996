"""axe-core (WCAG 2.1 A and AA) over the pages that exist: log-in, every role's inbox, a task page of
every task of both processes, case pages, the portal, administration, processes and simulation.

Each page is also screenshotted to /tmp/shots/walk-<name>.png. A test fails on any critical or serious
finding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.accounts import add_user
from app.models import OpenTask, User
from app.services import Services
from tests import falun_steps
from tests.browser.walker import Person
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps

pytestmark = pytest.mark.browser

ROLE_USER = {"falun": {"organisation": "org_a", "lawyer": "lawyer", "officer": "officer", "board": "board",
                       "finance": "finance"},
             "stenungsund": {"organisation": "org_a", "officer": "other_officer", "board": "st_board",
                             "finance": "st_finance"}}


@pytest.fixture
def stenungsund_staff(services: Services, people: dict[str, User]) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "st_finance", PASSWORD, "finance", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)


@pytest.fixture
def person(page: Any, live_server: str, axe: Any) -> Callable[[str], Person]:
    """A logged-in user in their own browser context, every page checked by axe."""
    made: dict[str, Person] = {}

    def get(username: str) -> Person:
        if username not in made:
            made[username] = Person(page.context.browser, live_server, username, PASSWORD, check=axe)
            made[username].log_in()
        return made[username]

    return get


def _task(services: Services, case_id: int, name: str) -> OpenTask:
    with services.unit_of_work() as s:
        task = s.scalar(select(OpenTask).where(OpenTask.case_id == case_id, OpenTask.name == name))
        assert task is not None, f"{name} is not open"
        s.expunge(task)
        return task


def _look_at_task(services: Services, person: Callable[[str], Person], municipality: str, case_id: int,
                  name: str) -> str:
    task = _task(services, case_id, name)
    who = person(ROLE_USER[municipality][task.role])
    text = who.goto(f"/tasks/{task.id}", f"{municipality}-task-{name}")
    assert who.page.locator("form button[type=submit]").count() >= 1, f"{name}: no form for {who.username}"
    return text


def test_axe_fails_on_a_serious_finding(page: Any, axe: Any) -> None:
    """The fixture itself: a text box without a label is a critical finding and fails the check."""
    page.set_content('<!doctype html><html lang="sv"><head><title>Prov</title></head>'
                     '<body><main><h1>Prov</h1><input type="text"></main></body></html>')
    with pytest.raises(AssertionError, match="label"):
        axe(page, "self-test-unlabelled-input")


def test_the_accessibility_statement_from_the_footer(page: Any, axe: Any) -> None:
    page.goto("/login")
    page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
    page.get_by_role("heading", level=1, name="Tillgänglighetsredogörelse för IOP-portalen").wait_for()
    assert page.url.endswith("/tillganglighet")
    axe(page, "accessibility-statement")


def test_log_in_and_every_roles_inbox(page: Any, axe: Any, person: Callable[[str], Person],
                                      stenungsund_staff: None) -> None:
    page.goto("/login")
    axe(page, "login")
    page.get_by_label("Användarnamn").fill("nobody")
    page.get_by_label("Lösenord").fill("wrong")
    page.get_by_role("button", name="Logga in").click()
    page.locator("[role=alert]").first.wait_for()
    axe(page, "login-failed")
    for username in ("org_a", "lawyer", "officer", "board", "finance", "owner", "admin", "other_officer",
                     "st_board", "st_finance"):
        who = person(username)
        who.goto("/", "home")
        who.goto("/tasks/", "inbox")
    person("org_a").goto("/account/password", "password")


def test_falun_task_pages_case_page_and_portal(services: Services, person: Callable[[str], Person]) -> None:
    org = person("org_a")
    org.goto("/portal/new", "portal-start")
    org.fill({"Välj kommun": "Falu kommun"})
    org.click("Starta initiativet")
    org.look("falun-task-checklist")
    case_id = int(org.page.locator("main a[href*='/cases/']").first.get_attribute("href").rsplit("/", 1)[1])
    for name, _, data in falun_steps.HAPPY_PATH:
        _look_at_task(services, person, "falun", case_id, name)
        with services.unit_of_work() as s:
            from app.models import Case

            case = s.get(Case, case_id)
            assert case is not None
            services.engine.complete_task(s, case, _task(services, case_id, name).id, None, data)
    org.goto("/portal/", "portal")


def test_stenungsund_task_pages(services: Services, person: Callable[[str], Person],
                                stenungsund_staff: None) -> None:
    def look(name: str) -> None:
        _look_at_task(services, person, "stenungsund", case_id, name)

    services.clock.set(steps.midnight("2025-11-20"))  # type: ignore[attr-defined]
    case_id = steps.start(services)
    for name, data in [("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE),
                       ("economic_plan", dict(steps.PLAN, period_years=1)), ("documents", steps.DOCS),
                       ("documents_check", steps.ALL_RECEIVED), ("suitability", steps.SUITABLE),
                       ("board_decision", steps.DECISION)]:
        look(name)
        steps.complete(services, case_id, name, data)
    steps.advance(services, "2026-01-01")
    look("pay")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    look("renewal_dialogue")
    steps.advance(services, "2026-09-30")
    look("escalate_officer")
    look("escalate_board")
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-09-01", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    look("renewal_decision")
    steps.advance(services, "2026-11-01")
    look("report")
    steps.complete(services, case_id, "report", steps.REPORT)
    look("review")

    second = _held_agreement(services)  # the clock is now 2026-12-01
    _look_at_task(services, person, "stenungsund", second, "escalate_hold")
    steps.terminate(services, case_id, "2026-12-15", "Verksamheten upphör.")  # within the paid year 2026
    look("record_repayment")


def _held_agreement(services: Services) -> int:
    """Another agreement whose second payment is held: the follow-up report was not approved in time."""
    case_id = steps.to_decision(services, plan=dict(steps.PLAN, period_start="2025-12-01", period_years=3))
    steps.advance(services, "2025-12-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-12-01")
    return case_id


def test_administration_processes_and_simulation(services: Services, person: Callable[[str], Person]) -> None:
    admin = person("admin")
    admin.goto("/admin/", "admin")
    admin.goto("/admin/logins", "admin-logins")
    admin.goto("/admin/settings/?municipality=stenungsund", "admin-settings")
    admin.goto("/admin/migration/", "migration")
    owner = person("owner")
    owner.goto("/processes/", "processes")
    modeller = owner.page.locator("main a[href*='/modeller']")
    if modeller.count():
        modeller.first.click()
        owner.page.wait_for_load_state("networkidle")
        owner.look("modeller")
    person("officer").goto("/simulation/", "simulation")


def test_simulation_result_page(person: Callable[[str], Person]) -> None:
    """The plot and the table scroll sideways on a narrow screen: both are reachable by keyboard."""
    officer = person("officer")
    officer.goto("/simulation/", "simulation")
    with officer.page.expect_navigation():
        officer.page.locator("main form button[type=submit]").first.click()
    officer.look("simulation-result")
    plot = officer.page.locator("main figure.simulation-plot")
    assert plot.get_attribute("tabindex") == "0" and plot.locator("svg").count() == 1
    officer.page.set_viewport_size({"width": 420, "height": 900})  # now the plot does scroll
    assert plot.evaluate("(el) => el.scrollWidth > el.clientWidth")
    officer.look("simulation-result-narrow")


def test_case_pages(services: Services, person: Callable[[str], Person], stenungsund_staff: None) -> None:
    """The case page with its diagram drawn (the walker waits for bpmn-js): the drawing is a named
    image inside a group labelled by the heading, not an image around focusable content."""
    case_id = steps.to_decision(services)
    for username in ("org_a", "other_officer", "st_board", "st_finance"):
        who = person(username)
        who.goto(f"/cases/{case_id}", "stenungsund-case")
        viewer = who.page.locator("#case-viewer")
        if viewer.count():  # bpmn-js installed (scripts/setup_frontend.sh)
            assert viewer.get_attribute("data-ready") == "true"
            assert viewer.get_attribute("role") == "group"
            drawing = viewer.locator(".djs-container > svg")
            assert drawing.get_attribute("role") == "img"
            assert "processdiagram" in (drawing.get_attribute("aria-label") or "")
