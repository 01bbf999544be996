"""English pages, and the administrator's overview."""

from __future__ import annotations

import re

from tests import falun_steps as steps
from tests.conftest import PASSWORD
from tests.web.conftest import Flow
from tests.web.pages import Browser, open_task, text_of


def test_switching_language_shows_english_texts(flow: Flow) -> None:
    task = open_task(flow.services, flow.start())
    resp = flow.browser.post("/language", {"lang": "en", "next": f"/tasks/{task.id}"}, page="/portal/")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/tasks/{task.id}"
    html = flow.browser.get(f"/tasks/{task.id}")
    assert '<html lang="en">' in html
    text = text_of(html)
    assert "Checklist: can our proposal become an IOP?" in text
    assert "There is no market or competition to protect." in text
    assert "Yes" in text and "Skip to content" in text and "My tasks" in text
    assert "Fyll i checklistan" not in text
    portal = text_of(flow.browser.get("/portal/"))
    assert "My cases" in portal and "Running" in portal and "Start a new initiative" in portal
    flow.browser.post("/language", {"lang": "sv", "next": "/portal/"}, page="/portal/")
    assert "Mina ärenden" in text_of(flow.browser.get("/portal/"))


def test_language_chosen_before_log_in_is_kept(browser: Browser) -> None:
    browser.post("/language", {"lang": "en", "next": "/login"}, page="/login")
    assert "Username" in text_of(browser.get("/login"))
    browser.post("/login", {"username": "lawyer", "password": PASSWORD})
    assert "Tasks you can claim" in text_of(browser.get("/tasks/"))


def test_admin_overview_counts_running_cases_per_step_and_version(flow: Flow) -> None:
    """The overview counts; finding single cases is the case list's job (tests/overview has the details)."""
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    flow.browser.login("org_b")
    flow.browser.post("/portal/new", {"municipality": "falun"})
    flow.browser.login("admin")
    text = text_of(flow.browser.get("/admin/"))
    assert "Pågående ärenden 2 ärenden" in text
    assert "Initiativ till IOP (Falun) Skicka in initiativet 1" in text  # the steps table
    assert "Initiativ till IOP (Falun) Fyll i checklistan 1" in text
    assert re.search(r"Initiativ till IOP \(Falun\) 1 [0-9-]+ [0-9:]+ 2\b", text)  # two cases on version 1
    flow.step("org_a", "initiative", steps.INITIATIVE)
    flow.step("lawyer", "legal_assessment", steps.LEGAL_WRONG)
    flow.browser.login("admin")
    text = text_of(flow.browser.get("/admin/?municipality=falun"))
    assert "Pågående ärenden 1 ärende" in text and "Avslutade ärenden 1 ärende" in text
    assert "Pågående ärenden 0 ärenden" in text_of(flow.browser.get("/admin/?municipality=stenungsund"))


def test_process_owner_may_read_the_overview_but_an_officer_may_not(flow: Flow) -> None:
    flow.start()
    flow.browser.login("owner")
    assert "Fyll i checklistan 1" in text_of(flow.browser.get("/admin/"))
    flow.browser.login("officer")
    assert flow.browser.client.get("/admin/").status_code == 403


def test_case_page_shows_open_task_role_and_assignee(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    task = open_task(flow.services, flow.case_id)
    flow.browser.post(f"/tasks/{task.id}/claim", page="/tasks/")
    text = text_of(flow.browser.get(f"/cases/{flow.case_id}"))
    assert "Skicka in initiativet Idéburen organisation org_a" in text
    assert "Tog uppgiften ”Skicka in initiativet”" not in text  # claims are the staff's part of the history (issue 13)
    assert "Ärendet startades" in text and "2026-11-23 09:00" in text
