"""Putting the current user's draft of a task back into the task page's form (drafts are saved by
app/web/pages/task_drafts.py; the task page reads them here, so neither page module imports the other's caller),
or, when a case came back to a step (a check sent it back), what was sent there the last time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.domain import drafts, permissions
from app.domain.visibility import CaseView, FieldView, field_view
from app.engine.task_notice import stored_notice
from app.models import Case, CaseEvent, OpenTask, User
from app.web.context import db
from app.web.pages import forms
from app.web.pages.common import definition_of, user


def prefill(task: OpenTask, case: Case) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], datetime | None,
                                              datetime | None]:
    """The task page's typed values and kept files for the current user: their draft of the task (and when it
    was saved), else, when a check sent the case back to this step (the task opened with a notice, the diagram's
    noticeFrom: app.engine.task_notice), what was sent there the last time (and when); empty when there is
    neither or the user cannot complete the task now."""
    me = user()
    if not permissions.can_complete(me, task):
        return {}, {}, None, None
    schema = definition_of(case).form(task.form) or {"properties": {}}
    draft = drafts.own_draft(db(), me, task.id)
    if draft is None:
        if stored_notice(task.meta) is None:  # not sent back by a check: a step met again (a new year's report)
            return {}, {}, None, None          # starts empty rather than with last time's answers
        raw, files, sent = _sent_before(task, case, schema, me)
        return raw, files, None, sent
    raw = forms.raw_values(schema, MultiDict(drafts.as_form(draft.data)))
    files = {name: list(draft.data.get(name) or []) for name in forms.attachment_fields(schema)
             if isinstance(draft.data.get(name), list)}
    return raw, files, draft.saved_at, None


def _sent_before(task: OpenTask, case: Case, schema: dict[str, Any],
                 me: User) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], datetime | None]:
    """The values last sent at this step of the case (the same task and form, completed before the case came
    back to it), as far as `me` sees them in full: a field hidden from them, or secret, is left for them to fill
    in again (a secret value is shown only where its showing is logged)."""
    event = db().scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "task_completed",
                                                 CaseEvent.task_name == task.name)
                         .order_by(CaseEvent.id.desc()).limit(1)).first()
    if event is None or not task.form or (event.data or {}).get("form") != task.form:
        return {}, {}, None
    sent = event.data.get("values")
    if not isinstance(sent, dict) or not sent:
        return {}, {}, None
    view = CaseView(me, case, definition_of(case))
    shown: dict[str, Any] = {}
    for name, value in sent.items():
        rule = view.rule(task.form, name, task.name)
        if rule.secret is None and field_view(me, case, rule) == FieldView.SHOW:
            shown[name] = value
    if not shown:
        return {}, {}, None
    raw = forms.raw_values(schema, MultiDict(drafts.as_form(shown)))
    files = {name: list(shown[name]) for name in forms.attachment_fields(schema) if isinstance(shown.get(name), list)}
    return raw, files, event.at
