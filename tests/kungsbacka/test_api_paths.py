"""Kungsbacka's branches through the JSON API: who may start a case, who sees it, and how it stops."""

from __future__ import annotations

from typing import Any

from app.driving.api_driver import ApiDriver
from app.services import Services
from tests.api.helpers import driver
from tests.kungsbacka import steps


def _start_by_organisation(api: Any) -> tuple[ApiDriver, int]:
    org = driver(api("org_a"))
    case = org.start(steps.MUNICIPALITY)  # Kungsbacka's one process
    return org, int(case["id"])


def _to_criteria(api: Any, org: ApiDriver, case_id: int) -> ApiDriver:
    org.complete(case_id, "proposal", steps.PROPOSAL)
    officer = driver(api("kb_officer"))
    officer.complete(case_id, "budget", steps.BUDGET)
    return officer


def test_a_failed_prerequisite_stops_the_case_and_the_organisation_reads_why(api: Any, kb_people: Any) -> None:
    org, case_id = _start_by_organisation(api)
    officer = _to_criteria(api, org, case_id)
    officer.complete(case_id, "criteria", steps.CRITERIA_MET)
    failed = {**steps.PREREQUISITES_MET, "pre_not_purchase": False,
              "pre_not_purchase_reason": "Kommunen bestämmer ensam vad som ska levereras: ett köp av tjänst."}
    driver(api("kb_lawyer")).complete(case_id, "legal_review", failed)
    seen = org.expect(200, "GET", f"/api/v1/cases/{case_id}")
    assert seen["status"] == "completed" and seen["outcome"] == "prerequisite_failed"
    told = " ".join(str(f.get("text") or f) for f in seen["feedback"])
    assert "inte ett köp av tjänst" in told and "ett köp av tjänst." in told
    assert "Kommunen bestämmer ensam" in told
    assert org.open_tasks(case_id) == [] and officer.open_tasks(case_id) == []


def test_a_criterion_not_met_stops_the_case_with_its_reason(api: Any, kb_people: Any) -> None:
    org, case_id = _start_by_organisation(api)
    officer = _to_criteria(api, org, case_id)
    unmet = {**steps.CRITERIA_MET, "crit_added_value": False,
             "crit_added_value_reason": "Målgruppen får inget utöver det kommunen redan erbjuder."}
    officer.complete(case_id, "criteria", unmet)
    seen = org.expect(200, "GET", f"/api/v1/cases/{case_id}")
    assert seen["outcome"] == "criteria_not_met"
    told = " ".join(str(f.get("text") or f) for f in seen["feedback"])
    assert "mervärde för målgruppen" in told and "inget utöver det kommunen redan erbjuder" in told
    assert "kommunens mål" not in told  # only the criterion not met is named
    assert driver(api("kb_lawyer")).open_tasks(case_id) == []


def test_a_criterion_needs_a_reason(api: Any, kb_people: Any) -> None:
    org, case_id = _start_by_organisation(api)
    officer = _to_criteria(api, org, case_id)
    task = officer.task(case_id, "criteria")
    without = {key: value for key, value in steps.CRITERIA_MET.items() if key != "crit_goals_reason"}
    refused = officer.expect(422, "POST", f"/api/v1/tasks/{task['id']}/complete", {"data": without})
    assert "crit_goals_reason" in str(refused)


def test_officer_starts_a_case_for_an_organisation_that_is_invited(api: Any, kb_people: Any) -> None:
    officer = driver(api("kb_officer"))
    case = officer.start(steps.MUNICIPALITY, organisation=steps.ORG)
    case_id = int(case["id"])
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["municipal_initiative"]
    org = driver(api("org_a"))
    assert org.open_tasks(case_id) == []  # the officer describes the initiative first
    officer.complete(case_id, "municipal_initiative", steps.INITIATIVE)
    # the organisation sees the case among its own and does its step
    listed = org.expect(200, "GET", "/api/v1/cases")
    assert case_id in [c["id"] for c in listed["items"]]
    assert [t["name"] for t in org.open_tasks(case_id)] == ["proposal"]
    seen = org.expect(200, "GET", f"/api/v1/cases/{case_id}")
    assert any(e["task"] == "municipal_initiative" and "Arbetsmarknadsinsats" in str(e["data"])
               for e in seen["history"])  # the invitation is the organisation's to read
    # another organisation neither sees the case nor can do its step
    other = driver(api("org_b"))
    assert other.call("GET", f"/api/v1/cases/{case_id}", None)[0] in (403, 404)
    assert case_id not in [c["id"] for c in other.expect(200, "GET", "/api/v1/cases")["items"]]
    proposal = org.task(case_id, "proposal")
    status, _ = other.call("POST", f"/api/v1/tasks/{proposal['id']}/complete", {"data": steps.PROPOSAL})
    assert status in (403, 404)
    org.complete(case_id, "proposal", steps.PROPOSAL)
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["budget"]


def test_starting_for_an_organisation_is_checked_for_role_and_municipality(api: Any, kb_people: Any) -> None:
    body = {"municipality": steps.MUNICIPALITY, "organisation": steps.ORG}
    for username in ("other_officer", "officer"):  # officers of Stenungsund and Falun
        status, payload = driver(api(username)).call("POST", "/api/v1/cases", body)
        assert status == 403, payload
    status, payload = driver(api("kb_lawyer")).call("POST", "/api/v1/cases", body)
    assert status == 403, payload
    status, payload = driver(api("org_b")).call("POST", "/api/v1/cases", body)  # for another organisation
    assert status == 403, payload
    status, payload = driver(api("kb_officer")).call("POST", "/api/v1/cases", {"municipality": steps.MUNICIPALITY})
    assert status == 422 and "organisation" in payload["error"]["fields"], payload
    status, payload = driver(api("kb_officer")).call("POST", "/api/v1/cases", {**body, "organisation": "123"})
    assert status == 422, payload


def test_the_budget_shows_every_partys_contribution(api: Any, kb_people: Any, services: Services) -> None:
    org, case_id = _start_by_organisation(api)
    _to_criteria(api, org, case_id)
    seen = org.expect(200, "GET", f"/api/v1/cases/{case_id}")
    budget = [e for e in seen["history"] if e["task"] == "budget"]
    assert budget, [e["task"] for e in seen["history"]]
    shown = str(budget[-1]["data"])
    for value in ("300000", "250000", "40000", "800", "60000", "Stödcentrum", "20000", "90000"):
        assert value in shown.replace(" ", "").replace("\xa0", ""), value
    parties = steps.budget_overview(services, case_id)
    assert [(p["name"], p["money_sek"], p["resources_value_sek"]) for p in parties] == [
        ("Kungsbacka kommun", 300000, 250000), ("Föreningen Gemenskap", 40000, 800 * 250 + 60000),
        ("Stödcentrum", 20000, 90000)]


def test_a_budget_where_a_party_brings_nothing_goes_back(api: Any, kb_people: Any, services: Services) -> None:
    org, case_id = _start_by_organisation(api)
    org.complete(case_id, "proposal", steps.PROPOSAL)
    officer = driver(api("kb_officer"))
    nothing = {**steps.BUDGET, "parties": [{"name": "Stödcentrum", "org_number": steps.PARTNER}]}
    officer.complete(case_id, "budget", nothing)
    assert [t["name"] for t in officer.open_tasks(case_id)] == ["budget"]
    assert "Stödcentrum" in steps.budget_problems(services, case_id)
