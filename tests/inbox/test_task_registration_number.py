"""Open tasks carry their case's registration number (migration 0021), written with each task the engine opens,
so the inbox search reads open_tasks alone. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.models import Case, OpenTask
from app.services import Services
from tests.api.helpers import start
from tests.inbox.conftest import to_lawyer


def _numbers(services: Services) -> list[tuple[str, str, str]]:
    with services.unit_of_work() as s:
        return [(t.id, t.registration_number, c.registration_number) for t, c in s.execute(
            select(OpenTask, Case).join(Case, Case.id == OpenTask.case_id)).all()]


def test_every_task_the_engine_opens_carries_its_case_number(api: Any, services: Services) -> None:
    first = start(api("org_a"))  # its first task
    opened = _numbers(services)
    assert opened and all(own == case for _id, own, case in opened)
    second = to_lawyer(api)  # a case moved on two steps: the lawyer's task opened by a completion
    tasks = _numbers(services)
    assert {case for _id, _own, case in tasks} == {first["registration_number"], second["registration_number"]}
    assert len(tasks) > len(opened) and all(own == case for _id, own, case in tasks)


def test_the_search_finds_a_task_by_its_case_number_only(api: Any, lawyer_tasks: Any) -> None:
    case = lawyer_tasks(30)  # 30 copies on cases of their own, numbered BENCH 00000nn
    lawyer = api("lawyer")
    found = lawyer.get(f"/api/v1/tasks?q={case['registration_number'].lower()}").get_json()
    assert [i["case_id"] for i in found["items"]] == [case["id"]]  # case-insensitive, as before
    copies = lawyer.get("/api/v1/tasks?q=BENCH&limit=500").get_json()
    assert copies["total"] == 30 and all(i["registration_number"].startswith("BENCH ") for i in copies["items"])
    part = copies["items"][0]["registration_number"][-4:]  # the middle of a number matches too
    assert part in {i["registration_number"][-4:] for i in
                    lawyer.get(f"/api/v1/tasks?q={part}&limit=500").get_json()["items"]}
