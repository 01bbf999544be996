"""The administrator's repair actions through the API: retry, skip, suspend, resume, cancel a case, move a
waiting timer, reassign an open task (app.domain.case_admin decides who may)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.core.errors import NotFound
from app.domain import case_admin, permissions
from app.web.api.blueprint import api
from app.web.api.case_answer import case_answer
from app.web.api.common import authenticated, caller, json_body, row_id
from app.web.api.tasks import TASK_ID
from app.web.api.views import task_json
from app.web.context import commit, db, services


def _task_id(raw: str) -> str:
    if not TASK_ID.fullmatch(raw):
        raise NotFound("the task does not exist or is no longer open")
    return raw


def _case_id(raw: str) -> int:
    number = row_id(raw)
    if number is None:
        raise NotFound("the case does not exist")
    return number


def _act(case_id: str, action: str) -> Any:
    body = json_body("reason")
    case = case_admin.act(db(), services().engine, caller(), _case_id(case_id), action, body.get("reason"))
    commit()
    return case_answer(case)


@api.post("/cases/<case_id>/retry")
@authenticated
def retry_case(case_id: str) -> Any:
    return _act(case_id, "retry")


@api.post("/cases/<case_id>/skip")
@authenticated
def skip_step(case_id: str) -> Any:
    return _act(case_id, "skip")


@api.post("/cases/<case_id>/suspend")
@authenticated
def suspend_case(case_id: str) -> Any:
    return _act(case_id, "suspend")


@api.post("/cases/<case_id>/resume")
@authenticated
def resume_case(case_id: str) -> Any:
    return _act(case_id, "resume")


@api.post("/cases/<case_id>/cancel")
@authenticated
def cancel_case(case_id: str) -> Any:
    return _act(case_id, "cancel")


@api.post("/cases/<case_id>/timers/<timer>")
@authenticated
def move_timer(case_id: str, timer: str) -> Any:
    body = json_body("due", "reason")
    case = case_admin.move_timer(db(), services().engine, caller(), _case_id(case_id), timer[:200],
                                 body.get("due"), body.get("reason"))
    commit()
    return case_answer(case)


@api.post("/tasks/<task_id>/assign")
@authenticated
def assign_task(task_id: str) -> Any:
    body = json_body("username", "reason")
    task = case_admin.assign(db(), services().engine, caller(), _task_id(task_id), body.get("username"),
                             body.get("reason"))
    commit()
    body = task_json(db(), services().engine, task, services().clock.now())
    if not permissions.can_view_task(caller(), task):  # a process owner assigning: not one of the task's people
        body["notice"] = None
    return jsonify(body)
