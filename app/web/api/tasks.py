"""Tasks the caller may work on: list, read, claim, unclaim, complete."""

from __future__ import annotations

import re
from typing import Any

import orjson
from flask import current_app, jsonify, request

from app.core.errors import InvalidData, NotFound
from app.domain import permissions, task_actions
from app.queries import inbox
from app.queries.inbox import parse_query
from app.web.api.blueprint import api
from app.web.api.case_answer import case_answer
from app.web.api.common import authenticated, caller, json_body
from app.web.api.views import inbox_json, task_json
from app.web.context import commit, db, services

TASK_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _task_id(raw: str) -> str:
    if not TASK_ID.fullmatch(raw):
        raise NotFound("the task does not exist or is not yours to see")
    return raw


@api.get("/tasks")
@authenticated
def list_tasks() -> Any:
    """The caller's inbox, keyset-paged: `next` is the cursor of the following page (pass it as `after`)."""
    user = caller()
    query = parse_query(request.args)
    page = inbox.inbox_items(db(), permissions.workable_tasks(user), query, services().clock.now(), user.id)
    items = inbox_json(db(), services().engine, page.rows, services().clock.now())
    # Every item carries its form's JSON Schema (500 items are about 1.4 MB): orjson writes the page in a few
    # milliseconds where the standard library took most of a long page's time. Its output is UTF-8 (Flask's own
    # encoder escapes non-ASCII as \\u....; both are the same JSON).
    body = orjson.dumps({"items": items, "total": page.total, "limit": query.limit, "next": page.next,
                         "prev": page.prev}) + b"\n"
    return current_app.response_class(body, mimetype=current_app.json.mimetype)  # type: ignore[attr-defined]


@api.get("/tasks/<task_id>")
@authenticated
def get_task(task_id: str) -> Any:
    task = task_actions.get_task(db(), caller(), _task_id(task_id))
    return jsonify(task_json(db(), services().engine, task, services().clock.now()))


@api.post("/tasks/<task_id>/claim")
@authenticated
def claim(task_id: str) -> Any:
    json_body()  # takes no fields; junk in the body is refused
    task = task_actions.claim(db(), services().engine, caller(), _task_id(task_id))
    commit()
    return jsonify(task_json(db(), services().engine, task, services().clock.now()))


@api.post("/tasks/<task_id>/unclaim")
@authenticated
def unclaim(task_id: str) -> Any:
    json_body()  # takes no fields; junk in the body is refused
    task = task_actions.unclaim(db(), services().engine, caller(), _task_id(task_id))
    commit()
    return jsonify(task_json(db(), services().engine, task, services().clock.now()))


@api.post("/tasks/<task_id>/complete")
@authenticated
def complete(task_id: str) -> Any:
    body = json_body("data")
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise InvalidData("data must be an object with the form's fields", {"data": "must be an object"})
    lang = request.args.get("lang", "en")
    case = task_actions.complete(db(), services().engine, caller(), _task_id(task_id), data,
                                 lang if lang in ("sv", "en") else "en")
    commit()
    return case_answer(case)
