"""Saving a task form as a draft from the task page ("Spara utkast"), and putting the draft back into the form.

The task page's form has a second submit button whose formaction is this module's route: the posted fields
are read with the same functions as a submission (app/web/pages/forms.py), new files are stored on the case
as they are when a submission fails, and the values are kept with app.domain.drafts (nothing required,
the form's fields only, capped in size). A refused draft re-renders the page (422) with what was typed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for

from app.core.errors import Conflict, Forbidden, InvalidData
from app.domain import drafts, permissions, task_actions
from app.models import OpenTask
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages import forms, task_page
from app.web.pages.common import definition_of, lang, user
from app.web.security import login_required

bp = Blueprint("task_drafts", __name__, url_prefix="/tasks")


def _workable(task_id: str) -> tuple[OpenTask | None, Any]:
    """The task the user may complete now, or the page to answer instead (the same as a stale submission)."""
    me = user()
    try:
        task = task_page._open_task(task_id)
    except Conflict:
        return None, task_page._stale(task_id, None, claimed=False)
    if not permissions.can_complete(me, task):
        if permissions.is_potential_owner(me, task):
            return None, task_page._stale(task_id, task.case_id, claimed=True)
        raise Forbidden("your role cannot work on this task")
    return task, None


@bp.post("/<task_id>/draft")
@login_required()
def save(task_id: str) -> Any:
    task, answer = _workable(task_id)
    if task is None:
        return answer
    me = user()
    case = task_actions.get_case(db(), me, task.case_id)
    schema = definition_of(case).form(task.form) or {"properties": {}}
    raw = forms.raw_values(schema, request.form)
    data = forms.parse_submission(schema, request.form)
    errors: dict[str, str] = {}
    files = task_page._store_files(case, schema, data, errors)
    if not errors:
        try:
            drafts.save(db(), services().engine, me, task.id, data, services().clock.now(), lang())
        except InvalidData as exc:
            errors = dict(exc.fields) or {"data": str(exc)}
    if errors:
        commit()  # stored uploads stay, as after a refused submission
        errors.setdefault("data", translate("draft.not_saved"))
        return task_page._render(task, case, raw, errors, files, 422)
    commit()
    flash(translate("draft.saved"), "success")
    return redirect(url_for("task_page.show", task_id=task.id) + "#draft-notice")


@bp.post("/<task_id>/draft/delete")
@login_required()
def discard(task_id: str) -> Any:
    task, answer = _workable(task_id)
    if task is None:
        return answer
    drafts.discard(db(), user(), task.id)
    commit()
    flash(translate("draft.discarded"), "success")
    return redirect(url_for("task_page.show", task_id=task.id))
