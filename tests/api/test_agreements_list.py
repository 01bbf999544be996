"""GET /api/v1/agreements: the running agreements of a municipality with their next dates, for its staff only."""

from __future__ import annotations

from typing import Any

from app.services import Services
from tests.stenungsund import steps


def _staff(services: Services) -> None:
    steps.add_staff(services, "board")


def test_running_agreement_with_next_dates_and_sek_per_year(services: Services, api: Any) -> None:
    case_id = steps.to_decision(services)  # 400 000 kr a year from 2026-01-01, five years
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-01")
    _staff(services)
    body = api("other_officer").get("/api/v1/agreements").get_json()
    assert body["municipality"] == "stenungsund" and body["today"] == "2026-03-01" and body["until"] == "2027-03-01"
    [item] = body["items"]
    assert item["case_id"] == case_id
    assert item["next"]["payment"] == {"date": "2027-01-01", "status": "planned", "overdue": False,
                                       "amount_sek": 400000, "year": None}
    assert item["next"]["follow_up_opens"]["date"] == "2026-11-01"
    assert item["next"]["follow_up_due"]["date"] == "2026-12-01"
    assert item["next"]["renewal_dialogue"] is None  # 2030
    assert item["renewal_decision_deadline"] == "2030-09-30"
    years = {y["year"]: y for y in body["sek_per_year"]}
    assert years[2026]["paid_sek"] == 400000 and years[2027]["planned_sek"] == 400000
    assert sorted(years) == [2026, 2027, 2028, 2029, 2030]
    short = api("st_board").get("/api/v1/agreements?due_within_days=30").get_json()
    assert short["until"] == "2026-03-31" and short["items"][0]["next"]["payment"] is None


def test_overdue_payment_is_marked(services: Services, api: Any) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")  # released, nobody pays
    steps.advance(services, "2026-01-10")
    item = api("other_officer").get("/api/v1/agreements").get_json()["items"][0]
    assert item["case_id"] == case_id
    assert item["next"]["payment"]["date"] == "2026-01-01" and item["next"]["payment"]["overdue"] is True
    assert item["next"]["payment"]["status"] == "released"


def test_access(services: Services, api: Any) -> None:
    steps.to_decision(services)
    falun = api("officer").get("/api/v1/agreements").get_json()
    assert falun["municipality"] == "falun" and falun["items"] == []  # Stenungsund's agreement is not Falun's
    assert api("officer").get("/api/v1/agreements?municipality=stenungsund").status_code == 403
    assert api("org_a").get("/api/v1/agreements").status_code == 403  # the organisation of the agreement too
    assert api("admin").get("/api/v1/agreements").status_code == 422
    assert len(api("admin").get("/api/v1/agreements?municipality=stenungsund").get_json()["items"]) == 1
    assert api("admin").get("/api/v1/agreements?municipality=nowhere").status_code == 422
    bad = api("other_officer").get("/api/v1/agreements?due_within_days=-1")
    assert bad.status_code == 422 and "due_within_days" in bad.get_json()["error"]["fields"]
    assert api("other_officer").client.get("/api/v1/agreements").status_code == 401
