"""Attacks on completing Gävle's and Kungsbacka's tasks through the API: fields the form does not define, a
criterion not met without a reason, a budget where nobody contributes, an idea meeting dated in the future or not
dated at all, and another role's task. Each is refused naming the field (or sent back to the task), never a 500,
and the case stays where it was."""

from __future__ import annotations

from typing import Any

import pytest

from app.driving.api_driver import ApiDriver
from app.services import Services
from tests.api.helpers import driver
from tests.gavle import steps as gavle
from tests.kungsbacka import steps


def _refused(who: ApiDriver, task_id: str, data: dict[str, Any], status: int = 422) -> dict[str, Any]:
    code, payload = who.call("POST", f"/api/v1/tasks/{task_id}/complete", {"data": data})
    assert code == status, (data, payload)
    return dict(payload["error"])


def _kungsbacka_at(api: Any, name: str) -> tuple[ApiDriver, ApiDriver, int]:
    org, officer = driver(api("org_a")), driver(api("kb_officer"))
    case_id = int(org.start(steps.MUNICIPALITY)["id"])
    if name in ("budget", "criteria"):
        org.complete(case_id, "proposal", steps.PROPOSAL)
    if name == "criteria":
        officer.complete(case_id, "budget", steps.BUDGET)
    return org, officer, case_id


def test_kungsbacka_refuses_fields_the_form_does_not_define(api: Any, kb_people: Any) -> None:
    org, _, case_id = _kungsbacka_at(api, "proposal")
    task = org.task(case_id, "proposal")
    for extra in ({"enters": True}, {"yearly_support_sek": 10}, {"__proto__": {"x": 1}}, {"a": {"b": [{"c": 1}]}}):
        error = _refused(org, task["id"], {**steps.PROPOSAL, **extra})
        assert set(extra) <= set(error["fields"]), error
    assert [t["name"] for t in org.open_tasks(case_id)] == ["proposal"]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_criterion_not_met_needs_a_reason(api: Any, kb_people: Any, reason: str | None) -> None:
    _, officer, case_id = _kungsbacka_at(api, "criteria")
    data = {**steps.CRITERIA_MET, "crit_added_value": False}
    if reason is None:
        del data["crit_added_value_reason"]
    else:
        data["crit_added_value_reason"] = reason
    error = _refused(officer, officer.task(case_id, "criteria")["id"], data)
    assert "crit_added_value_reason" in error["fields"], error
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["criteria"]


def test_a_budget_where_nobody_contributes_goes_back_naming_each_party(api: Any, kb_people: Any,
                                                                      services: Services) -> None:
    _, officer, case_id = _kungsbacka_at(api, "budget")
    nothing = {**steps.BUDGET, "yearly_support_sek": 0, "municipality_resources_value_sek": 0, "own_funds_sek": 0,
               "volunteer_hours_per_year": 0, "other_resources_value_sek": 0,
               "parties": [{"name": "Stödcentrum", "org_number": steps.PARTNER, "money_sek": 0,
                            "resources_value_sek": 0}]}
    officer.complete(case_id, "budget", nothing)
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["budget"]
    told = steps.budget_problems(services, case_id)
    assert "Kungsbacka" in told and "Föreningen Gemenskap" in told and "Stödcentrum" in told, told
    negative = {**steps.BUDGET, "yearly_support_sek": -5, "own_funds_sek": 2**60}
    error = _refused(officer, officer.task(case_id, "budget")["id"], negative)
    assert {"yearly_support_sek", "own_funds_sek"} & set(error["fields"]), error


def test_another_roles_task_is_refused(api: Any, kb_people: Any) -> None:
    org, officer, case_id = _kungsbacka_at(api, "criteria")
    task = officer.task(case_id, "criteria")
    for username in ("kb_lawyer", "kb_board", "org_a", "org_b", "ga_officer"):
        code, _ = driver(api(username)).call("POST", f"/api/v1/tasks/{task['id']}/complete",
                                             {"data": steps.CRITERIA_MET})
        assert code in (403, 404), username
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["criteria"]


def _gavle_at_dialogue(users: dict[str, Any]) -> tuple[ApiDriver, int, str]:
    org, officer = driver(users["gv_org"]), driver(users["gv_officer"])
    case_id = int(org.start("gavle")["id"])
    org.complete(case_id, "interest", gavle.INTEREST)
    driver(users["gv_board"]).complete(case_id, "principles", gavle.PRINCIPLES)
    return officer, case_id, officer.task(case_id, "dialogue")["id"]


@pytest.mark.parametrize(("change", "field"), [
    ({"meeting_date": "2999-01-01"}, "meeting_date"),  # a held meeting far in the future: was accepted
    ({"meeting_date": "2025-09-26"}, "meeting_date"),  # tomorrow (the clock is 2025-09-25)
    ({"meeting_date": "not a date"}, "meeting_date"),
    ({"meeting_date": "2025-02-30"}, "meeting_date"),
    ({"meeting_date": 20250901}, "meeting_date"),
    ({"meeting_date": "2025-09-01" * 100}, "meeting_date"),
    ({"agreement_approved": True}, "agreement_approved"),
    ({"minutes": {"nested": ["junk"]}}, "minutes"),
    ({"meeting_held": "yes", "dialogue_complete": False}, "meeting_held"),
])
def test_gavle_idea_meeting_refuses_bad_input(gavle_users: dict[str, Any], change: dict[str, Any],
                                              field: str) -> None:
    officer, case_id, task_id = _gavle_at_dialogue(gavle_users)
    error = _refused(officer, task_id, {**gavle.GO_ON, **change})
    assert field in error["fields"], error
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["dialogue"]


def test_gavle_idea_meeting_held_today_is_taken(gavle_users: dict[str, Any]) -> None:
    officer, case_id, _ = _gavle_at_dialogue(gavle_users)
    officer.complete(case_id, "dialogue", {**gavle.GO_ON, "meeting_date": "2025-09-25"})
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["economic_plan"]


@pytest.mark.parametrize("day", ["9999-12-31", "2027-01-01"])
def test_other_aid_declared_as_decided_in_the_future_is_refused(api: Any, kb_people: Any, day: str) -> None:
    """Aid dated after today would never count in the de minimis window (it was silently left out)."""
    _, officer, case_id = _kungsbacka_at(api, "budget")
    declared = {**steps.BUDGET, "economic_activity": True,
                "other_de_minimis": [{"grantor": "Region Halland", "decided_on": "2025-06-01", "amount_eur": 1000},
                                     {"grantor": "Region Halland", "decided_on": day, "amount_eur": 250000}]}
    error = _refused(officer, officer.task(case_id, "budget")["id"], declared)
    assert "other_de_minimis[1][decided_on]" in error["fields"], error
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["budget"]
