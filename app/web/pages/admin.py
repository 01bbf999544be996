"""Monitoring for administrators (process owners may read): running cases, steps, timers, versions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import select

from app.domain import permissions
from app.models import Case, DefinitionVersion, Municipality
from app.web.context import db, services
from app.web.pages.common import current_step_text, status_text, user
from app.web.security import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

STATUSES = ("running", "completed", "failed")


@dataclass
class CaseRow:
    case: Case
    process: str
    version: int
    step: str
    status: str
    age_days: int


@bp.get("/")
@login_required("admin", "process_owner")
def index() -> Any:
    me = user()
    status = request.args.get("status", "running")
    status = status if status in (*STATUSES, "all") else "running"
    municipality = request.args.get("municipality", "")
    query = permissions.visible_cases(me)
    if status != "all":
        query = query.where(Case.status == status)
    if municipality:
        query = query.join(Municipality, Municipality.id == Case.municipality_id) \
            .where(Municipality.slug == municipality)
    cases = list(db().scalars(query.order_by(Case.created_at, Case.id)))
    versions = {v.id: v for v in db().scalars(select(DefinitionVersion))}
    now = services().clock.now()
    rows = []
    for case in cases:
        version = versions[case.definition_id]
        rows.append(CaseRow(case=case, process=version.process_id, version=version.version,
                            step=current_step_text(case), status=status_text(case),
                            age_days=max((now - case.created_at).days, 0)))
    per_step = sorted(Counter(r.step for r in rows).items(), key=lambda item: (-item[1], item[0]))
    municipalities = list(db().scalars(select(Municipality).order_by(Municipality.name)))
    if me.municipality_id is not None:
        municipalities = [m for m in municipalities if m.id == me.municipality_id]
    deployed = sorted(versions.values(), key=lambda v: (v.process_id, -v.version))
    return render_template("admin/index.html", rows=rows, per_step=per_step, municipalities=municipalities,
                           chosen_municipality=municipality, chosen_status=status, statuses=STATUSES,
                           deployed=deployed)
