"""A task's draft: PUT, GET and DELETE /tasks/{task_id}/draft (the caller's own draft only).

Same access as the task: another organisation's or municipality's task is a 404, a task already completed
a 409; saving and deleting need the right to complete it (403 otherwise, 409 when claimed by someone else).
The rules on what a draft may hold are in app/domain/drafts.py.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from app.core.errors import NotFound
from app.domain import drafts
from app.models.draft import TaskDraft
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body
from app.web.api.tasks import TASK_ID
from app.web.context import commit, db, services


def task_id_of(raw: str) -> str:
    if not TASK_ID.fullmatch(raw):
        raise NotFound("the task does not exist or is not yours to see")
    return raw


def draft_json(draft: TaskDraft) -> dict[str, Any]:
    return {"task_id": draft.task_id, "data": draft.data, "saved_at": draft.saved_at.isoformat()}


@api.put("/tasks/<task_id>/draft")
@authenticated
def save_draft(task_id: str) -> Any:
    body = json_body("data")
    lang = request.args.get("lang", "en")
    draft = drafts.save(db(), services().engine, caller(), task_id_of(task_id), body.get("data", {}),
                        services().clock.now(), lang if lang in ("sv", "en") else "en")
    commit()
    return jsonify(draft_json(draft))


@api.get("/tasks/<task_id>/draft")
@authenticated
def get_draft(task_id: str) -> Any:
    _task, draft = drafts.get(db(), caller(), task_id_of(task_id))
    if draft is None:
        raise NotFound("you have no draft of this task")
    return jsonify(draft_json(draft))


@api.delete("/tasks/<task_id>/draft")
@authenticated
def delete_draft(task_id: str) -> Any:
    json_body()  # takes no fields
    drafts.discard(db(), caller(), task_id_of(task_id))
    commit()
    return "", 204
