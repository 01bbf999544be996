"""The repair actions through the API: who may, what each does, and the history entry each leaves."""

from __future__ import annotations

from typing import Any

import pytest

from app.jobs.timer_sweep import fire_due_timers
from app.services import Services
from tests.incidents.conftest import case_row, events, failed_case, open_tasks
from tests.timers.helpers import local, move, start


def test_retry_after_the_cause_is_fixed_goes_on(services: Services, admins: Any, broken: Any, api: Any) -> None:
    case_id = failed_case(services)
    admin = api("falun_admin")
    again = admin.post(f"/api/v1/cases/{case_id}/retry", {"reason": "försöker"})
    assert again.status_code == 200 and again.get_json()["status"] == "failed"  # still broken: a new incident
    assert len(events(services, case_id, "incident")) == 2
    broken["broken"] = False
    done = admin.post(f"/api/v1/cases/{case_id}/retry", {"reason": "ekonomisystemet är i gång igen"})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "running" and "incident" not in body and body["next_timer"] is not None
    assert [e.data["reason"] for e in events(services, case_id, "case_retried")] == [
        "försöker", "ekonomisystemet är i gång igen"]
    retried = [h for h in body["history"] if h["kind"] == "case_retried"]
    assert retried[-1]["actor"] == "falun_admin"
    assert "incident" not in case_row(services, case_id).summary
    assert admin.post(f"/api/v1/cases/{case_id}/retry", {}).status_code == 409  # nothing to retry now


def test_skip_goes_on_and_needs_a_reason(services: Services, admins: Any, broken: Any, api: Any) -> None:
    case_id = failed_case(services)
    admin = api("falun_admin")
    missing = admin.post(f"/api/v1/cases/{case_id}/skip", {})
    assert missing.status_code == 422 and missing.get_json()["error"]["fields"] == {"reason": "required"}
    done = admin.post(f"/api/v1/cases/{case_id}/skip", {"reason": "beloppet sätts för hand"})
    assert done.status_code == 200 and done.get_json()["status"] == "running"
    [skipped] = events(services, case_id, "step_skipped")
    assert skipped.task_name == "compute" and skipped.title == "Beräkna bidrag"
    assert skipped.data == {"reason": "beloppet sätts för hand"} and skipped.actor_name == "falun_admin"
    assert move(services, services.clock.now().replace(year=services.clock.now().year + 1)) == 1
    assert [t.name for t in open_tasks(services, case_id)] == ["decide"]


def test_suspend_blocks_completion_and_timers_until_resumed(services: Services, admins: Any, api: Any) -> None:
    case_id = failed_case(services)  # the probe works: the case waits thirty days
    assert case_row(services, case_id).status == "running"
    admin = api("falun_admin")
    assert admin.post(f"/api/v1/cases/{case_id}/suspend", {}).status_code == 422
    paused = admin.post(f"/api/v1/cases/{case_id}/suspend", {"reason": "utredning pågår"})
    assert paused.status_code == 200 and paused.get_json()["status"] == "suspended"
    assert case_row(services, case_id).next_timer_at is None
    later = services.clock.now().replace(year=services.clock.now().year + 1)
    assert move(services, later) == 0  # the sweep leaves a paused case alone
    assert admin.post(f"/api/v1/cases/{case_id}/suspend", {"reason": "igen"}).status_code == 409
    resumed = admin.post(f"/api/v1/cases/{case_id}/resume", {})
    assert resumed.status_code == 200 and resumed.get_json()["status"] == "running"
    assert fire_due_timers(services) == 1
    [task] = open_tasks(services, case_id)
    admin.post(f"/api/v1/cases/{case_id}/suspend", {"reason": "igen"})
    refused = api("officer").post(f"/api/v1/tasks/{task.id}/complete", {"data": {}})
    assert refused.status_code == 409 and "paused" in refused.get_json()["error"]["message"]
    assert api("officer").post(f"/api/v1/tasks/{task.id}/claim", {}).status_code == 409
    assert [e.data["reason"] for e in events(services, case_id, "case_suspended")] == ["utredning pågår", "igen"]
    assert len(events(services, case_id, "case_resumed")) == 1


def test_cancel_ends_the_case(services: Services, admins: Any, api: Any) -> None:
    case_id = start(services, "incident_probe", {})
    admin = api("admin")  # the global administrator may act everywhere
    done = admin.post(f"/api/v1/cases/{case_id}/cancel", {"reason": "dubblett"})
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    assert open_tasks(services, case_id) == [] and case_row(services, case_id).next_timer_at is None
    assert [e.data["reason"] for e in events(services, case_id, "case_cancelled")] == ["dubblett"]
    assert admin.post(f"/api/v1/cases/{case_id}/cancel", {"reason": "igen"}).status_code == 409
    assert admin.post(f"/api/v1/cases/{case_id}/resume", {}).status_code == 409


def test_a_timer_moved_fires_on_the_new_date(services: Services, admins: Any, api: Any) -> None:
    services.clock.set(local("2027-03-01 09:00"))  # type: ignore[attr-defined]
    case_id = failed_case(services)
    assert case_row(services, case_id).next_timer_at == local("2027-03-31 09:00")
    admin = api("falun_admin")
    url = f"/api/v1/cases/{case_id}/timers/wait"
    assert admin.post(url, {"due": "2027-03-10"}).status_code == 422  # reason missing
    bad = admin.post(url, {"due": "tionde mars", "reason": "x"})
    assert bad.status_code == 422 and "due" in bad.get_json()["error"]["fields"]
    assert admin.post(url, {"due": "2027-02-01", "reason": "x"}).status_code == 422  # passed
    for far in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31", "2027-02-30", 5):
        assert admin.post(url, {"due": far, "reason": "x"}).status_code == 422, far
    assert admin.post(f"/api/v1/cases/{case_id}/timers/nope", {"due": "2027-03-10", "reason": "x"}).status_code == 422
    moved = admin.post(url, {"due": "2027-03-10", "reason": "föreningen bad om tidigare beslut"})
    assert moved.status_code == 200, moved.get_json()
    assert case_row(services, case_id).next_timer_at == local("2027-03-10 09:00")
    [event] = events(services, case_id, "timer_moved")
    assert event.data["due"] == local("2027-03-10 09:00").isoformat() and event.data["reason"]
    assert event.title == "Trettio dagar senare"
    assert move(services, local("2027-03-10 08:59")) == 0
    assert move(services, local("2027-03-10 09:00")) == 1
    assert [t.name for t in open_tasks(services, case_id)] == ["decide"]


def test_reassign_to_someone_holding_the_role(services: Services, admins: Any, api: Any) -> None:
    case_id = start(services, "incident_probe", {})
    [task] = open_tasks(services, case_id)
    url = f"/api/v1/tasks/{task.id}/assign"
    owner = api("owner")  # the municipality's process owner (team lead) may
    wrong = owner.post(url, {"username": "lawyer"})
    assert wrong.status_code == 422 and "officer" in wrong.get_json()["error"]["message"]
    assert owner.post(url, {"username": "other_officer"}).status_code == 422  # another municipality's officer
    assert owner.post(url, {"username": "nobody"}).status_code == 422
    assert owner.post(url, {}).get_json()["error"]["fields"] == {"username": "required"}
    done = owner.post(url, {"username": "officer2", "reason": "semester"})
    assert done.status_code == 200 and done.get_json()["assignee"] == "officer2"
    [event] = events(services, case_id, "task_assigned")
    assert event.data["username"] == "officer2" and event.data["reason"] == "semester"
    assert event.actor_name == "owner"
    assert api("falun_admin").post(url, {"username": "officer"}).status_code == 200
    assert owner.post(url, {"username": "officer"}).status_code == 409  # already theirs


@pytest.mark.parametrize("who", ["officer", "org_a", "sten_admin", "owner"])
def test_only_the_municipalitys_administrators_repair(services: Services, admins: Any, broken: Any, api: Any,
                                                    who: str) -> None:
    case_id = failed_case(services)
    caller = api(who)
    expected = {"officer": 403, "org_a": 403, "sten_admin": 404, "owner": 403}[who]
    for action in ("retry", "skip", "suspend", "resume", "cancel"):
        answer = caller.post(f"/api/v1/cases/{case_id}/{action}", {"reason": "x"})
        assert answer.status_code == expected, (action, answer.get_json())
    answer = caller.post(f"/api/v1/cases/{case_id}/timers/wait", {"due": "2030-01-01", "reason": "x"})
    assert answer.status_code == expected
    assert case_row(services, case_id).status == "failed"
    assert events(services, case_id, "case_retried") == []
    other = start(services, "incident_probe", {})
    [open_task] = open_tasks(services, other)
    refused = caller.post(f"/api/v1/tasks/{open_task.id}/assign", {"username": "officer2"})
    assert refused.status_code == {"officer": 403, "org_a": 403, "sten_admin": 404, "owner": 200}[who]
