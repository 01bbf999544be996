"""My tasks: assigned and claimable tasks, due dates in Swedish time, overdue marked in text, claim/release."""

from __future__ import annotations

import re

from app.core.clock import ManualClock
from tests import falun_steps as steps
from tests.web.conftest import Flow
from tests.web.pages import open_task, text_of


def _to_lawyer(flow: Flow) -> str:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    flow.step("org_a", "initiative", steps.INITIATIVE)
    flow.browser.login("lawyer")
    return open_task(flow.services, flow.case_id).id


def _section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match
    return text_of(match.group(1))


def test_claimable_task_shows_case_organisation_and_due_date(flow: Flow) -> None:
    task_id = _to_lawyer(flow)
    html = flow.browser.get("/tasks/")
    free = _section(html, "free-heading")
    # opened 2026-11-23 (Stockholm), due in 21 days at the end of that local day
    assert "Bedöm om IOP är rätt avtalsform KS 2026/0001 Föreningen Gemenskap 2026-12-14" in free
    assert "Försenad" not in free
    assert "Du har inga uppgifter just nu." in _section(html, "mine-heading")
    assert f'action="/tasks/{task_id}/claim"' in html


def test_claim_and_release_move_the_task_between_lists(flow: Flow) -> None:
    task_id = _to_lawyer(flow)
    assert flow.browser.post(f"/tasks/{task_id}/claim", page="/tasks/").status_code == 302
    html = flow.browser.get("/tasks/")
    assert "Du har tagit uppgiften" in text_of(html)
    assert "KS 2026/0001" in _section(html, "mine-heading")
    assert "Det finns inga uppgifter att ta just nu." in _section(html, "free-heading")
    assert f'action="/tasks/{task_id}/unclaim"' in html
    assert flow.browser.post(f"/tasks/{task_id}/unclaim", page="/tasks/").status_code == 302
    html = flow.browser.get("/tasks/")
    assert "KS 2026/0001" in _section(html, "free-heading")


def test_overdue_tasks_are_marked_in_text(flow: Flow, clock: ManualClock) -> None:
    _to_lawyer(flow)
    clock.advance(days=22)
    html = flow.browser.get("/tasks/")
    assert "2026-12-14 Försenad" in _section(html, "free-heading")
    assert 'class="overdue"' in html


def test_other_municipality_sees_no_falun_tasks(flow: Flow) -> None:
    _to_lawyer(flow)
    flow.browser.login("other_officer")
    html = flow.browser.get("/tasks/")
    assert "KS 2026/0001" not in html
