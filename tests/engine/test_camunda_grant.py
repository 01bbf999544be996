"""A diagram drawn in Camunda Modeler (fixtures/camunda/grant_application.bpmn) runs as drawn.

Deployed through the normal path (services → engine.deploy), worked through the JSON API as the
roles candidateGroups names, with the injected clock moving to the bare `P9M` timer and the
`${report_deadline}` boundary timer, which the timer sweep fires.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.clock import ManualClock
from app.domain.accounts import municipality_by_slug, organisation_by_number
from app.jobs.timer_sweep import fire_due_timers
from app.models import Case, CaseEvent, OpenTask
from app.services import Services, deploy_processes
from tests.conftest import ORG_A
from tests.web.pages import Browser, as_form, text_of

FIXTURES = Path(__file__).parent / "fixtures" / "camunda"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
APPLICATION = {"project_title": "Läxhjälp i Bäckebol", "category": "social", "amount": 40000, "period_years": 2,
               "start_date": "2027-01-10", "description": "Läxhjälp två kvällar i veckan."}


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def _deploy_and_start(services: Services, **data: Any) -> int:
    assert deploy_processes(services, FIXTURES) == ["grant_application v1"]
    start = {"case_officer": "officer2", "decision_due": "2026-12-15", "report_deadline": "2027-11-01"}
    start.update(data)
    with services.unit_of_work() as s:
        case = services.engine.start_case(
            s, municipality=municipality_by_slug(s, "falun"), organisation=organisation_by_number(s, ORG_A),
            process_id="grant_application", actor=None, data=start)
        return case.id


def _task(api: Any, user: str, case_id: int) -> dict[str, Any]:
    resp = api(user).get(f"/api/v1/tasks?case_id={case_id}")
    assert resp.status_code == 200
    [item] = resp.get_json()["items"]
    return dict(item)


def _complete(api: Any, user: str, task_id: str, data: dict[str, Any]) -> Any:
    return api(user).post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})


def _case(services: Services, case_id: int) -> Case:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def _open(services: Services, case_id: int) -> list[OpenTask]:
    with services.unit_of_work() as s:
        return list(s.scalars(select(OpenTask).where(OpenTask.case_id == case_id)))


def _move(services: Services, when: datetime) -> int:
    assert isinstance(services.clock, ManualClock)
    services.clock.set(when)
    return fire_due_timers(services, mail=False)


def _apply(api: Any, case_id: int, **changes: Any) -> None:
    task = _task(api, "org_a", case_id)
    assert (task["name"], task["role"], task["assignee"], task["due"]) == ("apply", "organisation", None, None)
    resp = _complete(api, "org_a", task["id"], {**APPLICATION, **changes})
    assert resp.status_code == 200, resp.get_json()


def test_small_grant_runs_to_the_follow_up_report(services: Services, people: Any, api: Any) -> None:
    case_id = _deploy_and_start(services)
    task = _task(api, "org_a", case_id)
    form = task["form"]
    assert form["title"] == "Ansök om bidrag"
    assert form["properties"]["category"]["enum"] == ["culture", "sport", "social"]
    assert form["properties"]["category"]["x-enum-titles"] == {"sv": ["Kultur", "Idrott", "Social verksamhet"]}
    assert form["properties"]["period_years"]["default"] == 1
    assert form["properties"]["description"]["x-widget"] == "textarea"
    assert form["required"] == ["project_title", "category", "amount", "period_years", "start_date"]
    # the generated form is validated like a form file: per-field messages, nothing moves
    resp = _complete(api, "org_a", task["id"], {**APPLICATION, "amount": 10, "category": "music",
                                                "start_date": "tomorrow", "project_title": None})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"amount", "category", "start_date", "project_title"}
    assert [t.name for t in _open(services, case_id)] == ["apply"]

    _apply(api, case_id)
    # the external task (camunda:topic) called stenungsund_check_plan; ${plan_check.ok && amount <= 100000}
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        workflow, _ = services.engine.load(s, case)
        assert workflow.last_task.data["plan_check"]["ok"] is True
    [review] = _open(services, case_id)
    assert (review.name, review.role) == ("review", "officer")  # candidateGroups "handläggare"
    assert review.assignee_id == people["officer2"].id  # camunda:assignee="${case_officer}"
    assert review.due_at == _local("2026-12-07 23:59:59")  # camunda:dueDate="P14D"
    form = _task(api, "officer2", case_id)["form"]
    assert "project_title" not in form["properties"] and form["x-show"] == ["apply.formData"]
    assert _complete(api, "officer", review.id, {"approved": True, "motivation": "x"}).status_code == 409
    resp = _complete(api, "officer2", review.id, {"approved": True, "granted_amount": 40000,
                                                  "motivation": "Väl beskrivet."})
    assert resp.status_code == 200, resp.get_json()

    # P9M on the Stockholm calendar from 2026-11-23 09:00
    case = _case(services, case_id)
    assert case.next_timer_at == _local("2027-08-23 09:00")
    assert _open(services, case_id) == []
    assert _move(services, _local("2027-08-23 08:59")) == 0
    assert _move(services, _local("2027-08-23 09:00")) == 1
    [follow_up] = _open(services, case_id)
    assert (follow_up.name, follow_up.role) == ("follow_up", "organisation")
    assert follow_up.due_at == _local("2027-10-01 12:00")
    assert _case(services, case_id).next_timer_at == _local("2027-11-01 00:00")  # ${report_deadline}
    resp = _complete(api, "org_a", follow_up.id, {"report": "Tjugo barn fick läxhjälp.", "spent_amount": 39000})
    assert resp.status_code == 200, resp.get_json()
    case = _case(services, case_id)
    assert (case.status, case.outcome, case.next_timer_at) == ("completed", "granted", None)


def test_large_grant_goes_to_the_board_and_a_missing_report_ends_it(services: Services, people: Any,
                                                                     api: Any) -> None:
    case_id = _deploy_and_start(services)
    _apply(api, case_id, amount=250000)
    [decision] = _open(services, case_id)
    assert (decision.name, decision.role, decision.assignee_id) == ("board_decision", "board", None)
    assert decision.due_at == _local("2026-12-15 23:59:59")  # camunda:dueDate="${decision_due}"
    assert _complete(api, "board", decision.id, {"approved": True, "motivation": "Beviljas."}).status_code == 200
    assert _move(services, _local("2027-08-23 09:00")) == 1
    assert [t.name for t in _open(services, case_id)] == ["follow_up"]
    assert _move(services, _local("2027-10-31 23:59")) == 0
    assert _move(services, _local("2027-11-01 00:00")) == 1  # the boundary timer interrupts the report
    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", "report_missing")
    assert _open(services, case_id) == []
    with services.unit_of_work() as s:
        fired = list(s.scalars(select(CaseEvent.task_name).where(CaseEvent.case_id == case_id,
                                                                 CaseEvent.kind == "timer_fired")
                               .order_by(CaseEvent.id)))
    assert fired == ["wait_follow_up", "report_deadline"]


def test_declined_grant_reports_the_motivation(services: Services, people: Any, api: Any) -> None:
    case_id = _deploy_and_start(services)
    _apply(api, case_id)
    [review] = _open(services, case_id)
    resp = _complete(api, "officer2", review.id, {"approved": False, "motivation": "Ingen budget i år."})
    assert resp.status_code == 200
    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", "declined")
    assert case.feedback[-1]["text"] == "Ingen budget i år."


def test_a_period_the_handler_refuses_takes_the_default_flow(services: Services, people: Any, api: Any) -> None:
    case_id = _deploy_and_start(services)
    _apply(api, case_id, period_years=7)  # the form allows 10; Stenungsund's agreements last at most 5
    case = _case(services, case_id)
    assert (case.status, case.outcome) == ("completed", "refused_plan")


def test_generated_forms_render_and_submit_on_the_task_pages(services: Services, people: Any,
                                                              client: FlaskClient) -> None:
    case_id = _deploy_and_start(services)
    browser = Browser(client)
    browser.login("org_a")
    [apply] = _open(services, case_id)
    page = browser.get(f"/tasks/{apply.id}")
    text = text_of(page)
    for shown in ("Ansök om bidrag", "Projektets namn", "Område", "Kultur", "Social verksamhet", "Sökt belopp (kr)",
                  "Vad ska göras, för vem och hur?"):
        assert shown in text
    assert 'type="date"' in page and "<textarea" in page
    resp = browser.post(f"/tasks/{apply.id}", as_form({**APPLICATION, "amount": 12}))
    assert resp.status_code == 422 and "Värdet måste vara minst 1000." in text_of(resp.get_data(as_text=True))
    assert [t.name for t in _open(services, case_id)] == ["apply"]
    resp = browser.post(f"/tasks/{apply.id}", as_form(APPLICATION))
    assert resp.status_code == 302, text_of(resp.get_data(as_text=True))[:300]
    browser.login("officer2")
    [review] = _open(services, case_id)
    text = text_of(browser.get(f"/tasks/{review.id}"))
    assert "Projektets namn Läxhjälp i Bäckebol" in text  # the read-only field, shown from the application
    assert "Bevilja bidraget?" in text
