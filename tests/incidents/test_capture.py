"""A failure after an accepted completion keeps the completion and stops the case as failed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.models import Notification
from app.services import Services
from tests.incidents.conftest import case_row, events, open_tasks
from tests.timers.helpers import start


def test_a_failing_service_step_keeps_the_completion_and_stops_the_case(services: Services, admins: Any,
                                                                       broken: Any, api: Any) -> None:
    case_id = start(services, "incident_probe", {})
    [task] = open_tasks(services, case_id)
    answer = api("officer").post(f"/api/v1/tasks/{task.id}/complete", json={"data": {}})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "failed" and "administrators" in body["notice"]
    assert body["incident"]["task"] == "compute" and body["incident"]["step"] == "Beräkna bidrag"
    assert body["incident"]["message"] == ("Steget 'Beräkna bidrag' kunde inte köras: en tjänst som steget "
                                           "anropar svarade med ett fel.")
    assert "ekonomisystemet svarar inte" in body["incident"]["detail"] and body["incident"]["code"] == "service"
    english = api("officer").get(f"/api/v1/cases/{case_id}?lang=en").get_json()
    assert english["incident"]["message"] == ("The step 'Beräkna bidrag' could not run: a service the step calls "
                                              "answered with an error.")
    assert english["incident"]["code"] == "service" and english["incident"]["step"] == "Beräkna bidrag"
    [shown] = [e for e in english["history"] if e["kind"] == "incident"]
    assert shown["data"]["message"] == english["incident"]["message"] and shown["data"]["code"] == "service"
    case = case_row(services, case_id)
    # stored as what failed, worded where it is shown
    assert case.summary["incident"]["code"] == "service" and "message" not in case.summary["incident"]
    assert case.summary["incident"]["params"] == {"step": "Beräkna bidrag"}
    assert case.status == "failed" and case.next_timer_at is None and open_tasks(services, case_id) == []
    assert case.current_step == "Beräkna bidrag"
    assert [e.kind for e in events(services, case_id, "task_completed")] == ["task_completed"]
    [incident] = events(services, case_id, "incident")
    assert incident.title == "Beräkna bidrag" and incident.data["task"] == "compute"
    assert incident.data["code"] == "service" and "message" not in incident.data
    with services.unit_of_work() as s:
        mails = list(s.scalars(select(Notification).where(Notification.kind == "incident")))
    assert [m.recipient for m in mails] == ["falun_admin@example.org"]


def test_a_case_whose_first_steps_fail_is_created_failed(services: Services, admins: Any, broken: Any,
                                                         api: Any) -> None:
    """Starting is accepted (the registration number is taken, the start is in the history); the case stops
    at its first automatic step, like any later failure, and the administrator repairs it."""
    case_id = start(services, "incident_start", {})
    case = case_row(services, case_id)
    assert case.status == "failed" and case.summary["incident"]["task"] == "compute"
    assert [e.kind for e in events(services, case_id, "case_started")] == ["case_started"]
    assert open_tasks(services, case_id) == []
    broken["broken"] = False
    assert api("falun_admin").post(f"/api/v1/cases/{case_id}/retry", {}).get_json()["status"] == "running"
    assert [t.name for t in open_tasks(services, case_id)] == ["review"]
