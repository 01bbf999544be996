"""The administrator's panel on the case page, and the forms it posts (app.domain.case_admin decides who may).

`case_admin_panel(case)` (a template function for every page) renders cases/_admin_panel.html for a
user who may repair the case or reassign its tasks, else "". Each form posts here, with CSRF, and is
answered by a redirect to the case page (post-redirect-get) with a flash message in the user's
language; a refused input comes back on the case page with what was typed and the field named (kept
for one request in the session). A case the user cannot see is 404, one they may see but not repair 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from markupsafe import Markup
from sqlalchemy import select

from app.core.errors import Conflict, InvalidData
from app.core.statuses import CaseStatus
from app.domain import case_admin, permissions
from app.engine import incidents
from app.models import Case, OpenTask, User
from app.web import formatting
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.common import lang, task_title, user
from app.web.security import current_user, login_required

bp = Blueprint("case_admin", __name__, url_prefix="/cases")
STASH = "case_admin_form"
ANCHORS = {"retry": "arende-admin", "skip": "arende-admin", "suspend": "arende-admin", "resume": "arende-admin",
           "cancel": "arende-admin", "assign": "tilldela", "timer": "flytta-tidpunkt"}
_CONFLICTS = (("not stopped on an error", "failed"), ("gateway", "gateway"), ("retry instead", "nothing_to_skip"),
              ("can be paused", "suspend"), ("not paused", "resume"), ("ended", "ended"), ("paused", "paused"),
              ("cancelled", "ended"), ("already assigned", "same"))


def when(moment: datetime, tz: ZoneInfo, language: str) -> str:
    """A moment as people say it: the date, and the time of day when it is not midnight."""
    local = moment.astimezone(tz)
    text = formatting.day(local.date(), language)
    if (local.hour, local.minute) != (0, 0):
        text += f" {'kl.' if language == 'sv' else 'at'} {local:%H:%M}"
    return text


def _conflict_text(exc: Conflict) -> str:
    text = str(exc)
    for needle, key in _CONFLICTS:
        if needle in text:
            return translate(f"incidents.conflict.{key}")
    return translate("incidents.conflict.other")


def _field_errors(exc: InvalidData) -> dict[str, str]:
    errors = {}
    for name, problem in (exc.fields or {"reason": "required"}).items():
        if name == "reason":
            long = "at most" in str(problem)
            errors[name] = translate("incidents.error.reason_long" if long else "incidents.error.reason")
        elif name in ("due", "username", "timer"):
            errors[name] = translate(f"incidents.error.{name}")
        else:
            errors[name] = str(problem)
    return errors


def _back(case_id: int, anchor: str) -> Any:
    return redirect(url_for("cases.show", case_id=case_id) + f"#{anchor}", code=303)


def _refused(case_id: int, form: str, exc: InvalidData, values: dict[str, str]) -> Any:
    session[STASH] = {"case_id": case_id, "form": form, "values": values, "errors": _field_errors(exc)}
    return _back(case_id, ANCHORS.get(form.split(":")[0], "arende-admin"))


@bp.post("/<int:case_id>/admin/<action>")
@login_required()
def act(case_id: int, action: str) -> Any:
    if action not in case_admin.ACTIONS:
        return redirect(url_for("cases.show", case_id=case_id), code=303)
    reason = request.form.get("reason", "")[:case_admin.MAX_REASON + 100]
    try:
        case = case_admin.act(db(), services().engine, user(), case_id, action, reason)
    except InvalidData as exc:
        return _refused(case_id, action, exc, {"reason": reason})
    except Conflict as exc:
        flash(_conflict_text(exc), "error")
        return _back(case_id, "arende-admin")
    failed_again = action == "retry" and case.status == CaseStatus.FAILED
    commit()
    flash(translate("incidents.done.retry_failed" if failed_again else f"incidents.done.{action}"),
          "error" if failed_again else "success")
    return _back(case_id, "arende-admin")


@bp.post("/<int:case_id>/admin/timers/<timer>")
@login_required()
def move_timer(case_id: int, timer: str) -> Any:
    values = {"due": request.form.get("due", "")[:40], "reason": request.form.get("reason", "")[:2100]}
    try:
        case = case_admin.move_timer(db(), services().engine, user(), case_id, timer[:200], values["due"],
                                     values["reason"])
    except InvalidData as exc:
        return _refused(case_id, f"timer:{timer[:200]}", exc, values)
    except Conflict as exc:
        flash(_conflict_text(exc), "error")
        return _back(case_id, "flytta-tidpunkt")
    moved = [t for t in incidents.waiting_timers(services().engine, db(), case) if t.bpmn_id == timer]
    commit()
    if moved:
        flash(translate("incidents.done.timer", title=moved[0].title,
                        when=when(moved[0].due, services().clock.tz, lang())), "success")
    return _back(case_id, "flytta-tidpunkt")


@bp.post("/<int:case_id>/admin/tasks/<task_id>/assign")
@login_required()
def assign(case_id: int, task_id: str) -> Any:
    values = {"username": request.form.get("username", "")[:80], "reason": request.form.get("reason", "")[:2100]}
    try:
        task = case_admin.assign(db(), services().engine, user(), task_id[:64], values["username"],
                                 values["reason"], case_id=case_id)
    except InvalidData as exc:
        return _refused(case_id, f"assign:{task_id[:64]}", exc, values)
    except Conflict as exc:
        flash(_conflict_text(exc), "error")
        return _back(case_id, "tilldela")
    case = db().get(Case, task.case_id)
    assignee = db().get(User, task.assignee_id) if task.assignee_id else None
    commit()
    if case is not None and assignee is not None:
        flash(translate("incidents.done.assign", title=task_title(task, case),
                        name=assignee.display_name or assignee.username), "success")
    return _back(case_id, "tilldela")


def _panel(case: Case) -> Markup | str:
    me = current_user()
    if me is None or not permissions.can_view_case(me, case):
        return ""
    repair = permissions.can_repair_case(me, case)
    tasks = list(db().scalars(select(OpenTask).where(OpenTask.case_id == case.id).order_by(OpenTask.created_at)))
    reassignable = [t for t in tasks if permissions.can_reassign(me, t)]
    if not repair and not reassignable:
        return ""
    engine, tz = services().engine, services().clock.tz
    names = {u.id: u.display_name or u.username for u in db().scalars(
        select(User).where(User.id.in_({t.assignee_id for t in tasks if t.assignee_id})))} if tasks else {}
    rows = [(t, task_title(t, case), case_admin.eligible_users(db(), t), names.get(t.assignee_id or 0))
            for t in reassignable] if case.status in (CaseStatus.RUNNING, CaseStatus.FAILED) else []
    waiting = incidents.waiting_timers(engine, db(), case) \
        if repair and case.status in (CaseStatus.RUNNING, CaseStatus.FAILED, CaseStatus.SUSPENDED) else []
    timers = [(t, when(t.due, tz, lang()), t.due.astimezone(tz).date().isoformat()) for t in waiting]
    stash = session.get(STASH)
    if stash and stash.get("case_id") == case.id:
        session.pop(STASH, None)
    else:
        stash = {}
    incident = (case.summary or {}).get("incident") if case.status == CaseStatus.FAILED else None
    at = None
    if incident and incident.get("at"):
        at = when(datetime.fromisoformat(incident["at"]), tz, lang())
    message = incidents.incident_message(incident, lang()) if incident else ""
    return Markup(render_template(  # noqa: S704 - an autoescaped template's output
        "cases/_admin_panel.html", case=case, repair=repair, incident=incident, incident_at=at,
        incident_message=message,
        reassign_rows=rows, waiting=timers, form=stash.get("form"), values=stash.get("values", {}),
        errors=stash.get("errors", {})))


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"case_admin_panel": _panel}
