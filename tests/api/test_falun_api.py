"""Every branch of Falun's diagram through the JSON API, acting as the role that owns each step."""

from __future__ import annotations

from typing import Any

import pytest

from tests import falun_steps as steps
from tests.api.helpers import BRANCHES, complete, start, task_of, walk


@pytest.mark.parametrize("branch", sorted(BRANCHES))
def test_branch_reaches_its_outcome(api: Any, branch: str) -> None:
    path, outcome = BRANCHES[branch]
    case = walk(api, path)
    assert case["status"] == "completed"
    assert case["outcome"] == outcome
    assert case["open_tasks"] == []
    done = [e for e in case["history"] if e["kind"] == "task_completed"]
    assert [e["task"] for e in done] == [name for name, _, _ in path]
    org_view = api("org_a").get(f"/api/v1/cases/{case['id']}").get_json()
    assert org_view["feedback"], "the organisation sees the decision as feedback"


def test_case_has_registration_number_and_history(api: Any) -> None:
    first = start(api("org_a"))
    second = start(api("org_a"))
    assert first["registration_number"] == "KS 2026/0001"
    assert second["registration_number"] == "KS 2026/0002"
    assert first["history"][0]["kind"] == "case_started"
    assert [t["name"] for t in first["open_tasks"]] == ["checklist"]
    assert first["can_withdraw"] is True


@pytest.mark.parametrize("done", [0, 3, 5])
def test_withdrawal(api: Any, done: int) -> None:
    org = api("org_a")
    case = walk(api, steps.HAPPY_PATH[:done]) if done else start(org)
    resp = org.post(f"/api/v1/cases/{case['id']}/withdraw", {"reason": "Vi har inte resurser i år."})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["status"], body["outcome"]) == ("completed", "withdrawn")
    assert body["feedback"][-1]["text"] == "Vi har inte resurser i år."
    assert api("lawyer").get("/api/v1/tasks").get_json()["items"] == []


def test_withdrawal_refused_in_final_review(api: Any) -> None:
    case = walk(api, steps.HAPPY_PATH[:6])
    resp = api("org_a").post(f"/api/v1/cases/{case['id']}/withdraw", {"reason": "sent för sent"})
    assert resp.status_code == 409
    assert "withdraw" in resp.get_json()["error"]["message"]


def test_task_carries_its_form_schema_and_due_date(api: Any) -> None:
    case = start(api("org_a"))
    task = task_of(api("org_a"), case["id"], "checklist")
    assert task["role"] == "organisation"
    assert task["form"]["properties"]["no_market"]["type"] == "boolean"
    assert task["due"].startswith("2026-12-23T")  # 30 days, end of the day in Stockholm
    assert task["overdue"] is False


def test_claim_and_unclaim(api: Any) -> None:
    case = walk(api, steps.HAPPY_PATH[:2])
    lawyer = api("lawyer")
    task = task_of(lawyer, case["id"], "legal_assessment")
    claimed = lawyer.post(f"/api/v1/tasks/{task['id']}/claim").get_json()
    assert claimed["assignee"] == "lawyer"
    # the organisation cannot see the lawyer's task at all
    assert api("org_a").post(f"/api/v1/tasks/{task['id']}/claim").status_code == 404
    released = lawyer.post(f"/api/v1/tasks/{task['id']}/unclaim").get_json()
    assert released["assignee"] is None


def test_claimed_task_is_not_offered_to_colleague(api: Any) -> None:
    case = walk(api, steps.HAPPY_PATH[:3])
    officer = api("officer")
    task = task_of(officer, case["id"], "department_decision")
    assert officer.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    colleague = api("officer2")
    assert colleague.get(f"/api/v1/tasks?case_id={case['id']}").get_json()["items"] == []
    resp = colleague.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.DEPT_YES})
    assert resp.status_code == 409
    assert complete(officer, case["id"], "department_decision", steps.DEPT_YES)["current_step"]
