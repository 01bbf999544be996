"""Monitoring for administrators (process owners may read): running cases, steps, timers, versions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from app.domain import permissions
from app.models import Case, DefinitionVersion, LoginAttempt, Municipality
from app.web.context import db, services
from app.web.i18n import translate
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


PAGE_SIZE = 50


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() and len(raw) < 7 else 1


def _step_label(status: str, outcome: str | None, step: str) -> str:
    if status != "running":
        return translate(f"outcome.{outcome}") if outcome else step or "–"
    return step or "–"


@bp.get("/")
@login_required("admin", "process_owner")
def index() -> Any:
    """One page of cases plus aggregates computed in SQL, so the page stays fast with 100,000 cases."""
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
    filtered = query.subquery()
    total = db().scalar(select(func.count()).select_from(filtered)) or 0
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(_page_number(), pages)
    cases = list(db().scalars(query.options(defer(Case.workflow_json), defer(Case.summary))
                              .order_by(Case.created_at, Case.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    versions = {v.id: v for v in db().execute(
        select(DefinitionVersion.id, DefinitionVersion.process_id, DefinitionVersion.version,
               DefinitionVersion.name, DefinitionVersion.deployed_at)).all()}
    now = services().clock.now()
    rows = []
    for case in cases:
        version = versions[case.definition_id]
        rows.append(CaseRow(case=case, process=version.process_id, version=version.version,
                            step=current_step_text(case), status=status_text(case),
                            age_days=max((now - case.created_at).days, 0)))
    step_counts: Counter[str] = Counter()
    for step_status, outcome, step, count in db().execute(
            select(filtered.c.status, filtered.c.outcome, filtered.c.current_step, func.count())
            .group_by(filtered.c.status, filtered.c.outcome, filtered.c.current_step)):
        step_counts[_step_label(step_status, outcome, step)] += count
    per_step = sorted(step_counts.items(), key=lambda item: (-item[1], item[0]))
    per_version: dict[int, int] = dict(db().execute(
        select(filtered.c.definition_id, func.count()).group_by(filtered.c.definition_id)).all())
    municipalities = list(db().scalars(select(Municipality).order_by(Municipality.name)))
    if me.municipality_id is not None:
        municipalities = [m for m in municipalities if m.id == me.municipality_id]
    deployed = sorted(versions.values(), key=lambda v: (v.process_id, -v.version))
    return render_template("admin/index.html", rows=rows, per_step=per_step, municipalities=municipalities,
                           chosen_municipality=municipality, chosen_status=status, statuses=STATUSES,
                           deployed=deployed, per_version=per_version, total=total, page=page, pages=pages)


LOGINS_SHOWN = 200


@bp.get("/logins")
@login_required("admin")
def logins() -> Any:
    """The latest failed log-in attempts (page, API, password change), for administrators."""
    rows = list(db().scalars(select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))
                             .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc()).limit(LOGINS_SHOWN)))
    return render_template("admin/logins.html", rows=rows, shown=LOGINS_SHOWN)
