"""Driving Falun cases through the API as the right role."""

from __future__ import annotations

from typing import Any

from tests import falun_steps as steps


def start(org: Any) -> dict[str, Any]:
    resp = org.post("/api/v1/cases", {"municipality": "falun"})
    assert resp.status_code == 201, resp.get_json()
    return dict(resp.get_json())


def task_of(client: Any, case_id: int, name: str) -> dict[str, Any]:
    resp = client.get(f"/api/v1/tasks?case_id={case_id}")
    assert resp.status_code == 200, resp.get_json()
    found = [t for t in resp.get_json()["items"] if t["name"] == name]
    assert found, f"{name} not among {[t['name'] for t in resp.get_json()['items']]}"
    return dict(found[0])


def complete(client: Any, case_id: int, name: str, data: dict[str, Any]) -> dict[str, Any]:
    task = task_of(client, case_id, name)
    resp = client.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data})
    assert resp.status_code == 200, resp.get_json()
    return dict(resp.get_json())


def walk(api: Any, path: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    clients = {name: api(name) for name in {"org_a", "lawyer", "officer"}}
    case = start(clients["org_a"])
    for name, actor, data in path:
        case = complete(clients[actor], case["id"], name, data)
    return case


BRANCHES = {
    "happy": (steps.HAPPY_PATH, "approved"),
    "wrong_form": ([("checklist", "org_a", steps.CHECKLIST), ("initiative", "org_a", steps.INITIATIVE),
                    ("legal_assessment", "lawyer", steps.LEGAL_WRONG)], "wrong_contract_form"),
    "department_no": ([*steps.HAPPY_PATH[:3], ("department_decision", "officer", steps.DEPT_NO)],
                      "declined_by_department"),
    "loops": ([*steps.HAPPY_PATH[:5], ("review_draft", "org_a", steps.REVIEW_CHANGES),
               ("draft_agreement", "officer", steps.DRAFT), ("review_draft", "org_a", steps.REVIEW_OK),
               ("final_review", "lawyer", steps.FINAL_FIX), ("correct_agreement", "officer", steps.CORRECTION),
               ("final_review", "lawyer", steps.FINAL_OK)], "approved"),
}
