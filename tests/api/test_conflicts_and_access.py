"""409 on concurrent completion; role and ownership refusals; bad input that changes nothing."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.models import Case, CaseEvent
from app.services import Services
from tests import falun_steps as steps
from tests.api.helpers import start, task_of, walk
from tests.conftest import Api


def test_concurrent_completion_gives_one_success_and_one_conflict(app: Flask, api: Any,
                                                                  services: Services) -> None:
    case = start(api("org_a"))
    task = task_of(api("org_a"), case["id"], "checklist")
    clients = [Api(app.test_client(), "org_a"), Api(app.test_client(), "org_a")]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def run(client: Api) -> None:
        barrier.wait()
        codes.append(client.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.CHECKLIST}).status_code)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]
    with services.unit_of_work() as s:
        completed = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case["id"],
                                                      CaseEvent.kind == "task_completed")).all()
        assert len(completed) == 1
        stored = s.get(Case, case["id"])
        assert stored is not None and stored.current_step == "Skicka in initiativet"


def test_second_completion_after_the_first_is_a_conflict(api: Any) -> None:
    org = api("org_a")
    case = start(org)
    task = task_of(org, case["id"], "checklist")
    assert org.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.CHECKLIST}).status_code == 200
    again = org.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.CHECKLIST})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"


def test_other_organisation_cannot_read_or_act(api: Any) -> None:
    case = start(api("org_a"))
    task = task_of(api("org_a"), case["id"], "checklist")
    other = api("org_b")
    assert other.get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert other.get(f"/api/v1/tasks/{task['id']}").status_code == 404
    assert other.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.CHECKLIST}).status_code == 404
    assert other.post(f"/api/v1/cases/{case['id']}/withdraw", {"reason": "x"}).status_code == 404
    assert other.get("/api/v1/cases").get_json()["total"] == 0


def test_lawyer_cannot_complete_organisation_task(api: Any) -> None:
    case = start(api("org_a"))
    task = task_of(api("org_a"), case["id"], "checklist")
    resp = api("lawyer").post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.CHECKLIST})
    assert resp.status_code in (403, 404)
    after = api("org_a").get(f"/api/v1/cases/{case['id']}").get_json()
    assert [t["name"] for t in after["open_tasks"]] == ["checklist"]


def test_staff_of_another_municipality_sees_nothing(api: Any) -> None:
    case = walk(api, steps.HAPPY_PATH[:3])
    other = api("other_officer")
    assert other.get("/api/v1/tasks").get_json()["items"] == []
    assert other.get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert other.get("/api/v1/cases").get_json()["total"] == 0
    assert api("officer").get("/api/v1/cases").get_json()["total"] == 1


def test_missing_or_bad_token_is_401(client: Any, people: Any) -> None:
    assert client.get("/api/v1/tasks").status_code == 401
    resp = client.get("/api/v1/tasks", headers={"Authorization": "Bearer not-a-token"})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"
    bad = client.post("/api/v1/auth/token", json={"username": "org_a", "password": "wrong password"})
    assert bad.status_code == 401


def test_bad_form_data_names_every_field_and_stores_nothing(api: Any) -> None:
    org = api("org_a")
    case = start(org)
    task = task_of(org, case["id"], "checklist")
    data = dict(steps.CHECKLIST, no_market=False, long_term="kanske", extra_field=1)
    del data["follow_up"]
    resp = org.post(f"/api/v1/tasks/{task['id']}/complete", {"data": data})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert set(fields) == {"no_market_comment", "long_term", "follow_up", "extra_field"}
    assert fields["follow_up"] == "Choose yes or no."  # a missing yes/no question says how to answer it
    after = org.get(f"/api/v1/cases/{case['id']}").get_json()
    assert [t["name"] for t in after["open_tasks"]] == ["checklist"]
    assert [e["kind"] for e in after["history"]] == ["case_started"]


def test_bad_email_and_dates_are_named(api: Any) -> None:
    case = walk(api, steps.HAPPY_PATH[:1])
    org = api("org_a")
    task = task_of(org, case["id"], "initiative")
    resp = org.post(f"/api/v1/tasks/{task['id']}/complete?lang=sv",
                    {"data": dict(steps.INITIATIVE, contact_email="inte-en-adress")})
    assert resp.get_json()["error"]["fields"] == {
        "contact_email": "Skriv en giltig e-postadress, till exempel namn@exempel.se."}
    case = walk(api, steps.HAPPY_PATH[:4])
    officer = api("officer")
    draft = task_of(officer, case["id"], "draft_agreement")
    resp = officer.post(f"/api/v1/tasks/{draft['id']}/complete",
                        {"data": dict(steps.DRAFT, period_end="2026-01-01")})
    assert resp.status_code == 422
    assert "period_end" in resp.get_json()["error"]["fields"]
