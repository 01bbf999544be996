"""One case for anyone allowed to see it: status, open tasks, history, feedback and files."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, render_template, send_file
from sqlalchemy import select

from app.domain import task_actions
from app.engine.errors import NotFound
from app.models import Attachment, Case, CaseEvent, OpenTask, User
from app.models.agreement import Agreement
from app.web import formatting
from app.web.context import db
from app.web.i18n import translate
from app.web.pages.agreement_page import agreement_of, agreement_waiting_text, today
from app.web.pages.answers import Answer, case_attachments, event_answers, statistic_units
from app.web.pages.case_diagram import case_diagram, diagram_xml
from app.web.pages.common import current_step_text, lang, role_title, status_text, task_title, user
from app.web.security import login_required

bp = Blueprint("cases", __name__, url_prefix="/cases")


@dataclass
class HistoryRow:
    event: CaseEvent
    what: str
    who: str
    answers: list[Answer]


def _what(event: CaseEvent) -> str:
    data = event.data or {}
    if event.kind == "message" and data.get("message") == "withdraw":
        reason = (data.get("payload") or {}).get("withdraw_reason", "")
        return translate("history.withdrawn", reason=reason)
    if event.kind == "case_completed" and data.get("outcome"):
        return translate("history.case_completed", outcome=translate(f"outcome.{data['outcome']}"))
    if event.kind == "feedback":
        return translate("history.feedback", title=event.title, text=data.get("text", ""))
    key = f"history.{event.kind}"
    text = translate(key, title=event.title)
    return text if text != key else f"{event.kind}: {event.title}"


def step_text(case: Case, agreement: Agreement | None) -> str:
    """The current step; a running case with no open task says what it waits for (payment, follow-up, timer)."""
    shown = current_step_text(case)
    if case.status != "running" or shown != "–":
        return shown
    waiting = agreement_waiting_text(agreement, today()) if agreement is not None else ""
    if waiting:
        return waiting
    if case.next_timer_at is not None:
        return translate("agreement.waits.timer", date=formatting.day(case.next_timer_at, lang()))
    return shown


@bp.get("/<int:case_id>")
@login_required()
def show(case_id: int) -> Any:
    case = task_actions.get_case(db(), user(), case_id)
    tasks = list(db().scalars(select(OpenTask).where(OpenTask.case_id == case.id).order_by(OpenTask.created_at)))
    assignee_ids = {t.assignee_id for t in tasks if t.assignee_id}
    names = {u.id: u.display_name or u.username
             for u in db().scalars(select(User).where(User.id.in_(assignee_ids)))} if assignee_ids else {}
    open_tasks = [(t, task_title(t, case), role_title(t.role), names.get(t.assignee_id or 0, "")) for t in tasks]
    events = db().scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                          .order_by(CaseEvent.at, CaseEvent.id))
    units = statistic_units(case)
    agreement = agreement_of(case.id)
    history = [HistoryRow(event=e, what=_what(e),
                          who=translate("history.system") if e.actor_name in ("", "system") else e.actor_name,
                          answers=event_answers(case, e, units)) for e in events]
    return render_template("cases/case.html", case=case, status=status_text(case), step=step_text(case, agreement),
                           agreement=agreement,
                           open_tasks=open_tasks, history=history, feedback=list(case.feedback or []),
                           files=case_attachments(case), diagram=case_diagram(case))


@bp.get("/<int:case_id>/files/<int:file_id>")
@login_required()
def download(case_id: int, file_id: int) -> Any:
    case = task_actions.get_case(db(), user(), case_id)  # can_view_case, or 404
    row = db().get(Attachment, file_id)
    if row is None or row.case_id != case.id:
        raise NotFound("the file does not exist")
    return send_file(io.BytesIO(row.content), mimetype=row.content_type, as_attachment=True,
                     download_name=row.filename, max_age=0)


@bp.get("/<int:case_id>/diagram.bpmn")
@login_required()
def diagram(case_id: int) -> Any:
    """The BPMN of the case's own definition version, for the diagram on the case page."""
    case = task_actions.get_case(db(), user(), case_id)  # can_view_case, or 404
    xml = diagram_xml(case)
    if xml is None:
        raise NotFound("the case's definition has no diagram")
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response
