"""POST /api/v1/cases/{id}/terminate: the officer ends an agreement early and gets the repayment claim."""

from __future__ import annotations

from typing import Any

from app.domain.accounts import add_user
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps


def test_officer_terminates_and_gets_the_claim(services: Services, people: Any, api: Any) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    officer = api("other_officer")
    url = f"/api/v1/cases/{case_id}/terminate"
    assert api("finance").post(url, {"reason": "x", "date": "2026-07-01"}).status_code == 404  # Falun: invisible
    unknown = "/api/v1/cases/999999/terminate"
    assert api("officer").post(unknown, {"reason": "x", "date": "2026-07-01"}).status_code == 404
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_finance", PASSWORD, "finance", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    assert api("st_finance").post(url, {"reason": "x", "date": "2026-07-01"}).status_code == 403
    bad = officer.post(url, {"reason": " ", "date": "2025-06-01"})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"reason", "date"}
    assert officer.post(url, {"reason": "Slut", "date": "2031-01-01"}).status_code == 422
    assert officer.post(url, {"reason": "Slut", "date": "1 juli"}).status_code == 422
    resp = officer.post(url, {"reason": "Verksamheten upphör.", "date": "2026-07-02"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "terminated"
    assert body["repayment_claim"]["amount_sek"] == round(400000 * 183 / 365)  # 2026-07-02..2026-12-31 unused
    assert officer.post(url, {"reason": "Igen", "date": "2026-07-02"}).status_code == 409
