"""English pages, and the administrator's overview."""

from __future__ import annotations

import re
from typing import Any

from app.web.pages import admin as admin_pages
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


def test_admin_overview_lists_running_cases_steps_and_versions(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    flow.browser.login("org_b")
    flow.browser.post("/portal/new", {"municipality": "falun"})
    flow.browser.login("admin")
    text = text_of(flow.browser.get("/admin/"))
    assert ("KS 2026/0001 Falu kommun Föreningen Gemenskap falun_initiative v1 Pågår Skicka in initiativet "
            "0 dagar") in text
    assert "KS 2026/0002 Falu kommun Stödcentrum falun_initiative v1 Pågår Fyll i checklistan" in text
    assert "Skicka in initiativet 1" in text and "Fyll i checklistan 1" in text
    assert "falun_initiative Initiativ till IOP (Falun) 1" in text
    flow.step("org_a", "initiative", steps.INITIATIVE)
    flow.step("lawyer", "legal_assessment", steps.LEGAL_WRONG)
    flow.browser.login("admin")
    running = text_of(flow.browser.get("/admin/?status=running"))
    assert "KS 2026/0001" not in running and "KS 2026/0002" in running
    done = text_of(flow.browser.get("/admin/?status=completed&municipality=falun"))
    assert "KS 2026/0001" in done and "IOP är inte rätt avtalsform" in done and "KS 2026/0002" not in done
    assert "KS 2026/0002" not in text_of(flow.browser.get("/admin/?municipality=stenungsund"))


def test_admin_overview_pages_through_cases_and_counts_them_in_sql(flow: Flow, monkeypatch: Any) -> None:
    monkeypatch.setattr(admin_pages, "PAGE_SIZE", 1)
    flow.start()
    flow.browser.login("org_b")
    flow.browser.post("/portal/new", {"municipality": "falun"})
    flow.browser.login("admin")
    first = text_of(flow.browser.get("/admin/"))
    assert "Ärenden (2)" in first and "Sida 1 av 2" in first
    assert "KS 2026/0001" in first and "KS 2026/0002" not in first
    assert "Fyll i checklistan 2" in first  # the per-step count covers every case, not the page
    assert re.search(r"falun_initiative Initiativ till IOP \(Falun\) 1 [0-9-]+ [0-9:]+ 2\b", first)  # cases on v1
    second = text_of(flow.browser.get("/admin/?page=2"))
    assert "KS 2026/0002" in second and "KS 2026/0001" not in second and "Sida 2 av 2" in second
    assert "KS 2026/0002" in text_of(flow.browser.get("/admin/?page=99"))  # past the end: the last page
    assert "KS 2026/0001" in text_of(flow.browser.get("/admin/?page=abc"))


def test_process_owner_may_read_the_overview_but_an_officer_may_not(flow: Flow) -> None:
    flow.start()
    flow.browser.login("owner")
    assert "KS 2026/0001" in text_of(flow.browser.get("/admin/"))
    flow.browser.login("officer")
    assert flow.browser.client.get("/admin/").status_code == 403


def test_case_page_shows_open_task_role_and_assignee(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    task = open_task(flow.services, flow.case_id)
    flow.browser.post(f"/tasks/{task.id}/claim", page="/tasks/")
    text = text_of(flow.browser.get(f"/cases/{flow.case_id}"))
    assert "Skicka in initiativet Idéburen organisation org_a" in text
    assert "Tog uppgiften ”Skicka in initiativet”" in text
    assert "Ärendet startades" in text and "2026-11-23 09:00" in text
