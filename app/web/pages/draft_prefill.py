"""Putting the current user's draft of a task back into the task page's form (drafts are saved by
app/web/pages/task_drafts.py; the task page reads them here, so neither page module imports the other's caller)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from app.domain import drafts, permissions
from app.models import Case, OpenTask
from app.web.context import db
from app.web.pages import forms
from app.web.pages.common import definition_of, user


def prefill(task: OpenTask, case: Case) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], datetime | None]:
    """The current user's draft of the task as the page's typed values and kept files, and when it was saved;
    empty when there is no draft or the user cannot complete the task now."""
    me = user()
    if not permissions.can_complete(me, task):
        return {}, {}, None
    draft = drafts.own_draft(db(), me, task.id)
    if draft is None:
        return {}, {}, None
    schema = definition_of(case).form(task.form) or {"properties": {}}
    raw = forms.raw_values(schema, MultiDict(drafts.as_form(draft.data)))
    files = {name: list(draft.data.get(name) or []) for name in forms.attachment_fields(schema)
             if isinstance(draft.data.get(name), list)}
    return raw, files, draft.saved_at
