"""Driving Falun cases through the API as the right role (app.driving.api_driver over the test client)."""

from __future__ import annotations

from typing import Any

from app.driving.api_driver import ApiDriver
from tests import falun_steps as steps


def driver(client: Any) -> ApiDriver:
    """An ApiDriver for a tests.conftest.Api client (a logged-in user's bearer token)."""
    def call(method: str, path: str, body: Any) -> tuple[int, Any]:
        resp = client.get(path) if method == "GET" else client.post(path, body)
        return resp.status_code, resp.get_json()

    return ApiDriver(call)


def start(org: Any) -> dict[str, Any]:
    return driver(org).start("falun")


def task_of(client: Any, case_id: int, name: str) -> dict[str, Any]:
    return driver(client).task(case_id, name)


def complete(client: Any, case_id: int, name: str, data: dict[str, Any]) -> dict[str, Any]:
    return driver(client).complete(case_id, name, data)


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
