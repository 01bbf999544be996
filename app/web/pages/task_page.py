"""One task: its form rendered from the JSON Schema, earlier answers, and the submission."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.core.errors import Conflict, Forbidden, InvalidData, NotFound
from app.core.roles import Role
from app.core.statuses import CaseStatus
from app.domain import attachments, permissions, task_actions
from app.domain.visibility import CaseView, log_secret_views
from app.engine.forms import validate_form
from app.engine.task_notice import stored_notice
from app.models import Attachment, Case, CaseEvent, OpenTask
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages import draft_prefill, form_context, forms, state_aid_panel
from app.web.pages.answers import shown_answers
from app.web.pages.auth import start_page
from app.web.pages.common import definition_of, lang, next_task_for, schema_text, task_title, user
from app.web.security import login_required

bp = Blueprint("task_page", __name__, url_prefix="/tasks")


def _open_task(task_id: str) -> OpenTask:
    """The task, or 409 when it was completed meanwhile on a case the user may see, else 404."""
    try:
        return task_actions.get_task(db(), user(), task_id)
    except NotFound:
        event = db().scalars(select(CaseEvent).where(CaseEvent.kind == "task_completed",
                                                     CaseEvent.data["task_id"].as_string() == task_id)).first()
        if event is not None:
            case = db().get(Case, event.case_id)
            if case is not None and permissions.can_view_case(user(), case):
                raise Conflict("the task has already been completed") from None
        raise


def _render(task: OpenTask, case: Case, raw: dict[str, str], errors: dict[str, str],
            files: dict[str, list[dict[str, Any]]], status: int = 200, draft_saved: datetime | None = None,
            row: forms.RowAction | None = None, sent_before: datetime | None = None) -> Any:
    definition = definition_of(case)
    schema = definition.form(task.form) or {"properties": {}}
    if not raw and not errors and row is None:  # a fresh form: prefill and defaults
        raw = forms.initial_values(schema, forms.known_values(user(), case))
    row = row or forms.RowAction(raw, None, None)
    fields = forms.build_fields(schema, lang(), raw, errors, files, form_context.task_data(case, task.id, schema),
                                row.focus, row.notice)
    flat = forms.all_fields(fields)
    known = {f.name for f in flat}
    other_errors = [msg for name, msg in errors.items() if name not in known]
    me = user()
    view = CaseView(me, case, definition)  # what of earlier answers this viewer may see
    html = render_template(
        "tasks/task.html", task=task, case=case, title=task_title(task, case),
        description=schema_text(schema, "description"), fields=fields,
        summary=[f for f in flat if f.error], other_errors=other_errors,
        earlier=shown_answers(case, definition, schema, view), can_complete=permissions.can_complete(me, task),
        can_claim=task.assignee_id is None and permissions.can_claim(me, task) and me.role != Role.ORGANISATION,
        can_unclaim=permissions.can_unclaim(me, task), has_files=bool(forms.attachment_fields(schema)),
        draft_saved=draft_saved, sent_before=sent_before,
        notice=stored_notice(task.meta),  # whoever may open the task may read it
        state_aid=None if me.role == Role.ORGANISATION else state_aid_panel.panel(case, task, raw, lang()))
    if log_secret_views(db(), services().clock.now(), view, "page"):
        commit()
    return html, status


@bp.get("/<task_id>")
@login_required()
def show(task_id: str) -> Any:
    task = _open_task(task_id)
    case = task_actions.get_case(db(), user(), task.case_id)
    # the user's own draft, if any, else what was sent the last time the case was at this step
    raw, files, saved, sent_before = draft_prefill.prefill(task, case)
    return _render(task, case, raw, {}, files, draft_saved=saved, sent_before=sent_before)


def _kept_files(case: Case, name: str) -> list[Attachment]:
    ids = forms.kept_ids(request.form, name)
    if not ids:
        return []
    # only this case's files for this field: ids from the page are never trusted as they are
    rows = db().scalars(select(Attachment).where(Attachment.case_id == case.id, Attachment.field == name,
                                                 Attachment.id.in_(ids)).order_by(Attachment.id))
    return list(rows)


def _refusal(filename: str, content: bytes) -> str:
    """Why attachments.check_upload refused a file, in the reader's language, naming the file."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in attachments.ALLOWED:
        return translate("upload.type", name=name, allowed=", ".join(sorted(attachments.ALLOWED)))
    if not content:
        return translate("upload.empty", name=name)
    if len(content) > attachments.MAX_BYTES:
        return translate("upload.too_large", name=name)
    return translate("upload.disguised", name=name, ext=ext)


def _store_files(case: Case, schema: dict[str, Any], data: dict[str, Any],
                 errors: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Store new uploads before validation; return every field's references (kept + new)."""
    refs: dict[str, list[dict[str, Any]]] = {}
    clock = services().clock
    for name in forms.attachment_fields(schema):
        rows = _kept_files(case, name)
        problems = []
        for upload in forms.new_uploads(request.files, name):
            try:
                content = upload.read(attachments.MAX_BYTES + 1)
                rows.append(attachments.store_upload(db(), clock, case, user(), name,
                                                     attachments.Upload(upload.filename or "", content)))
            except InvalidData:
                problems.append(_refusal(upload.filename or "", content))
        if problems:
            errors[name] = translate("task.file_refused", problems="; ".join(problems))
        refs[name] = [attachments.reference(r) for r in rows]
        if refs[name]:
            data[name] = refs[name]
    return refs


def _stale(task_id: str, case_id: int | None, claimed: bool) -> Any:
    """409 in the page: the task was completed (or claimed) by someone else meanwhile; what was typed is shown."""
    typed = [(name, value) for name, value in request.form.items(multi=True)
             if name != "csrf_token" and value.strip()]
    return render_template("tasks/stale.html", task_id=task_id, case_id=case_id, claimed=claimed,
                           typed=typed), 409


@bp.post("/<task_id>")
@login_required()
def submit(task_id: str) -> Any:
    me = user()
    try:
        task = _open_task(task_id)
    except Conflict:
        return _stale(task_id, None, claimed=False)
    if not permissions.can_complete(me, task):
        if permissions.is_potential_owner(me, task):
            return _stale(task_id, task.case_id, claimed=True)
        raise Forbidden("your role cannot complete this task")
    case = task_actions.get_case(db(), me, task.case_id)
    definition = definition_of(case)
    schema = definition.form(task.form) or {"properties": {}}
    action = forms.row_action(schema, request.form, lang())
    if action is not None:  # "add row" / "remove row" without JavaScript: the page again, nothing completed
        refused: dict[str, str] = {}
        files = _store_files(case, schema, {}, refused)
        commit()
        return _render(task, case, action.raw, refused, files, 422 if refused else 200, row=action)
    raw = forms.raw_values(schema, request.form)
    data = forms.parse_submission(schema, request.form)
    errors: dict[str, str] = {}
    files = _store_files(case, schema, data, errors)
    if errors and task.form:
        try:  # the file was refused: still tell about every other field at once
            validate_form(schema, definition.validator(task.form), data, lang())
        except InvalidData as exc:
            errors = {**exc.fields, **errors}
    if not errors:
        try:
            task_actions.complete(db(), services().engine, me, task_id, data, lang())
        except InvalidData as exc:
            errors = dict(exc.fields) or {"data": str(exc)}
    if errors:
        commit()  # the stored uploads stay; their references are in the re-rendered page
        return _render(task, case, raw, errors, files, 422)
    commit()
    flash(translate("task.completed", title=task_title(task, case)), "success")
    if case.status == CaseStatus.FAILED:  # the completion stands; what ran after it stopped (app.engine.incidents)
        flash(translate("incidents.task_stopped"), "info")
    follow = next_task_for(me, case.id)
    if follow is not None:
        return redirect(url_for("task_page.show", task_id=follow.id))
    return redirect(start_page(me.role))
