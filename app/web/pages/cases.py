"""One case for anyone allowed to see it: status, open tasks, history, feedback, files and the document register."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, send_file
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.statuses import CaseStatus
from app.domain import register, task_actions
from app.domain.visibility import CaseView, Standing, log_secret_views
from app.engine.definitions import ProcessDefinition
from app.models import Attachment, Case, CaseEvent, OpenTask, User
from app.models.agreement import Agreement
from app.web import formatting
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages import case_history
from app.web.pages.agreement_page import agreement_of, agreement_waiting_text, today
from app.web.pages.answers import case_attachments, statistic_units
from app.web.pages.case_diagram import case_diagram, diagram_xml
from app.web.pages.case_timers import upcoming_timers
from app.web.pages.common import current_step_text, lang, role_title, status_text, task_title, user
from app.web.security import login_required

bp = Blueprint("cases", __name__, url_prefix="/cases")


log = logging.getLogger(__name__)


def step_text(case: Case, agreement: Agreement | None) -> str:
    """The current step; a running case with no open task says what it waits for (payment, follow-up, timer)."""
    shown = current_step_text(case)
    if case.status != CaseStatus.RUNNING or shown != "–":
        return shown
    waiting = agreement_waiting_text(agreement, today()) if agreement is not None else ""
    if waiting:
        return waiting
    if case.next_timer_at is not None:
        return translate("agreement.waits.timer", date=formatting.day(case.next_timer_at, lang()))
    return shown


def _loaded_workflow(case: Case) -> tuple[BpmnWorkflow | None, ProcessDefinition]:
    """The case's live workflow, read once for the diagram and the timers, then given back to the cache
    (the page only reads it), so the next step on the case does not read it again."""
    engine = services().engine
    definition = engine.definition(db(), case.definition_id)
    if not case.workflow_json:
        return None, definition
    try:
        workflow, definition = engine.load(db(), case)
    except Exception:  # noqa: BLE001 - the page still shows the case; the diagram and timers stay empty
        log.exception("case %s: the workflow could not be read for the case page", case.id)
        return None, definition
    version = case.__dict__.get("version")
    if isinstance(version, int):
        engine.cache._put(case.id, version, workflow)
    return workflow, definition


@bp.get("/<int:case_id>")
@login_required()
def show(case_id: int) -> Any:
    case = task_actions.get_case(db(), user(), case_id)
    language = lang()
    tz = services().clock.tz
    tasks = list(db().scalars(select(OpenTask).where(OpenTask.case_id == case.id).order_by(OpenTask.created_at)))
    assignee_ids = {t.assignee_id for t in tasks if t.assignee_id}
    names = {u.id: u.display_name or u.username
             for u in db().scalars(select(User).where(User.id.in_(assignee_ids)))} if assignee_ids else {}
    open_tasks = [(t, task_title(t, case), role_title(t.role), names.get(t.assignee_id or 0, "")) for t in tasks]
    events = list(db().scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                               .order_by(CaseEvent.at, CaseEvent.id)))
    units = statistic_units(case)
    agreement = agreement_of(case.id)
    workflow, definition = _loaded_workflow(case)
    happened = {e.task_name for e in events if e.task_name}  # timers fired, messages received
    view = CaseView(user(), case, definition)  # what this viewer may see (app.domain.visibility)
    shown = case_history.entries(case, events, language, tz, view, units)
    page = render_template("cases/case.html", case=case, status=status_text(case), step=step_text(case, agreement),
                           agreement=agreement, open_tasks=open_tasks,
                           history=case_history.grouped(shown, tz, language), history_count=len(shown),
                           feedback=list(case.feedback or []), files=case_attachments(case, view),
                           diagram=case_diagram(case, workflow, definition, happened),
                           timers=upcoming_timers(workflow, definition, tz, language),
                           register=register_rows(case, view), party_view=view.standing == Standing.PARTY)
    if log_secret_views(db(), services().clock.now(), view, "page"):
        commit()
    return page


@dataclass(frozen=True)
class RegisterRow:
    reference: str  # FAL 2026/0012-3
    at: datetime
    kind: str
    kind_title: str  # e.g. "Beslut"
    direction: str  # e.g. "Inkommande"
    counterpart: str
    description: str
    file_id: int | None  # the stored file, downloadable through `download`


def register_rows(case: Case, view: CaseView) -> list[RegisterRow]:
    """The case's register as the page shows it to the viewer (app.domain.visibility), the codes worded in the
    reader's language."""
    return [RegisterRow(row.reference(case.registration_number), row.registered_at, str(row.kind),
                        translate(f"register.kind.{row.kind}"), translate(f"register.direction.{row.direction}"),
                        row.counterpart, row.description,
                        attachment.id if attachment is not None else None)
            for row, attachment in register.documents(db(), case.id) if view.register_row(row, attachment)]


@bp.get("/<int:case_id>/files/<int:file_id>")
@login_required()
def download(case_id: int, file_id: int) -> Any:
    case = task_actions.get_case(db(), user(), case_id)  # can_view_case, or 404
    row = db().get(Attachment, file_id)
    view = CaseView(user(), case, services().engine.definition(db(), case.definition_id))
    if row is None or row.case_id != case.id or not view.attachment_visible(row.field):
        raise NotFound("the file does not exist")
    return send_file(io.BytesIO(row.content), mimetype=row.content_type, as_attachment=True,
                     download_name=row.filename, max_age=0)


@bp.get("/<int:case_id>/diagram.bpmn")
@login_required()
def diagram(case_id: int) -> Any:
    """The BPMN of the case's own definition version, for the diagram on the case page."""
    case = task_actions.get_case(db(), user(), case_id)  # can_view_case, or 404
    xml = diagram_xml(case, lang())
    if xml is None:
        raise NotFound("the case's definition has no diagram")
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response
