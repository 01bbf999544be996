"""GET /api/v1/payments: the payments across a municipality's agreements, as documented in /openapi.json."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from app.services import Services
from tests.stenungsund import steps


def _two_agreements(services: Services) -> tuple[int, int]:
    first = steps.to_decision(services)
    second = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, first, "pay", steps.PAYMENT)
    steps.advance(services, "2026-01-15")
    steps.add_staff(services, "officer", "finance", "board")
    return first, second


def _documented(api: Any, body: Any) -> None:
    doc = api("admin").get("/api/v1/openapi.json").get_json()
    schema = doc["paths"]["/payments"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    errors = list(Draft202012Validator({**schema, "components": doc["components"]}).iter_errors(body))
    assert not errors, errors[:3]


def test_finance_lists_filters_and_pages(services: Services, api: Any) -> None:
    first, second = _two_agreements(services)
    finance = api("st_finance")
    body = finance.get("/api/v1/payments").get_json()
    _documented(api, body)
    assert body["municipality"] == "stenungsund" and body["today"] == "2026-01-15"
    assert body["total"] == 10 and body["total_sek"] == 4000000
    assert body["sums"] == {"paid": 400000, "overdue": 400000, "planned": 3200000}
    overdue = [i for i in body["items"] if i["state"] == "overdue"]
    assert len(overdue) == 1 and overdue[0]["case_id"] == second and overdue[0]["status"] == "released"
    assert overdue[0]["overdue_from"] == "2026-01-11" and overdue[0]["pay_task_id"]
    pay = next(t for t in steps.open_tasks(services, second) if t.name == "pay")
    assert overdue[0]["pay_task_id"] == pay.id
    paid = next(i for i in body["items"] if i["state"] == "paid")
    assert paid["case_id"] == first and paid["paid_on"] == "2026-01-02" and paid["reference"] == "VER-1"

    page = finance.get("/api/v1/payments?limit=3&offset=3").get_json()
    assert page["total"] == 10 and len(page["items"]) == 3 and page["limit"] == 3 and page["offset"] == 3
    assert page["items"] == body["items"][3:6] and page["total_sek"] == 4000000
    window = finance.get("/api/v1/payments?from=2027-01-01&to=2027-12-31&state=planned").get_json()
    assert window["total"] == 2 and {i["due"] for i in window["items"]} == {"2027-01-01"}
    assert api("st_officer").get("/api/v1/payments?state=overdue").get_json()["total"] == 1
    # the interface's name for the filter
    assert api("st_officer").get("/api/v1/payments?status=overdue").get_json()["total"] == 1
    assert finance.get("/api/v1/payments?status=planned&from=2027-01-01&to=2027-12-31").get_json() == window


def test_refusals(services: Services, api: Any) -> None:
    _two_agreements(services)
    finance = api("st_finance")
    bad = finance.get("/api/v1/payments?state=gone&from=2026-1-1&to=x")
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"state", "from", "to"}
    assert finance.get("/api/v1/payments?from=2027-01-01&to=2026-01-01").status_code == 422
    both = finance.get("/api/v1/payments?state=paid&status=planned")
    assert both.status_code == 422 and set(both.get_json()["error"]["fields"]) == {"status"}
    assert finance.get("/api/v1/payments?status=gone").status_code == 422
    assert finance.get("/api/v1/payments?limit=0").status_code == 422
    assert finance.get("/api/v1/payments?municipality=falun").status_code == 403
    assert api("org_a").get("/api/v1/payments").status_code == 403
    assert api("st_board").get("/api/v1/payments").status_code == 403
    falun = api("finance").get("/api/v1/payments").get_json()  # another municipality's finance sees none
    assert falun["municipality"] == "falun" and falun["total"] == 0 and falun["items"] == []
    admin = api("admin")
    assert admin.get("/api/v1/payments").status_code == 422
    assert admin.get("/api/v1/payments?municipality=nowhere").status_code == 422
    assert admin.get("/api/v1/payments?municipality=stenungsund").get_json()["total"] == 10


def test_claims_follow_the_repayment(services: Services, api: Any) -> None:
    first, _ = _two_agreements(services)
    steps.advance(services, "2026-07-01")
    assert api("st_officer").post(f"/api/v1/cases/{first}/terminate",
                                  {"reason": "Slut", "date": "2026-07-02"}).status_code == 200
    body = api("st_finance").get("/api/v1/payments").get_json()
    _documented(api, body)
    claim = round(400000 * 183 / 365)
    task = next(t for t in steps.open_tasks(services, first) if t.name == "record_repayment")
    assert body["claims"] == [{"case_id": first, "registration_number": body["claims"][0]["registration_number"],
                               "organisation": "Föreningen Gemenskap", "terminated_on": "2026-07-02",
                               "amount_sek": claim, "settled_sek": 0, "left_sek": claim, "status": "open",
                               "task_id": task.id}]
    assert body["sums"].get("cancelled") == 1600000  # the first agreement's four planned payments stop
