"""My tasks: what is assigned to me and what my role may claim; claim and release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select

from app.domain import permissions, task_actions
from app.models import Case, OpenTask
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.common import is_overdue, task_title, user
from app.web.security import login_required

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


@dataclass
class TaskRow:
    task: OpenTask
    case: Case
    title: str
    overdue: bool
    can_claim: bool
    can_unclaim: bool


def task_rows(tasks: list[OpenTask]) -> list[TaskRow]:
    me = user()
    ids = {t.case_id for t in tasks}
    cases = {c.id: c for c in db().scalars(select(Case).where(Case.id.in_(ids)))} if ids else {}
    rows = []
    for task in tasks:
        case = cases[task.case_id]
        rows.append(TaskRow(task=task, case=case, title=task_title(task, case), overdue=is_overdue(task),
                            can_claim=task.assignee_id is None and permissions.can_claim(me, task),
                            can_unclaim=permissions.can_unclaim(me, task)))
    return rows


@bp.get("/")
@login_required()
def index() -> Any:
    me = user()
    query = permissions.workable_tasks(me).order_by(OpenTask.due_at.is_(None), OpenTask.due_at, OpenTask.created_at)
    tasks = list(db().scalars(query))
    mine = task_rows([t for t in tasks if t.assignee_id == me.id])
    free = task_rows([t for t in tasks if t.assignee_id is None])
    return render_template("tasks/list.html", mine=mine, free=free)


@bp.post("/<task_id>/claim")
@login_required()
def claim(task_id: str) -> Any:
    task = task_actions.claim(db(), services().engine, user(), task_id)
    commit()
    flash(translate("tasks.claimed", title=task.title), "success")
    return redirect(url_for("tasks.index"))


@bp.post("/<task_id>/unclaim")
@login_required()
def unclaim(task_id: str) -> Any:
    task = task_actions.unclaim(db(), services().engine, user(), task_id)
    commit()
    flash(translate("tasks.unclaimed", title=task.title), "success")
    return redirect(url_for("tasks.index"))
