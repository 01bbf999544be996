"""An officer starts a case on the municipality's behalf, naming the organisation it is for: `/cases/new`.

The organisation is invited: the case is its own (it sees it in its portal and does its steps there), and the
process decides what happens first (Kungsbacka's officer describes the municipality's initiative). Only
officers, only in their own municipality and only a process it offers (app.domain.task_actions.start_case,
as POST /api/v1/cases with `organisation`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.core.errors import Forbidden, InvalidData, NotFound
from app.core.municipal_settings import settings_of
from app.core.roles import Role
from app.domain import task_actions
from app.domain.accounts import AccountError, organisation_by_number
from app.models import Municipality
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.common import next_task_for, user
from app.web.security import login_required

bp = Blueprint("case_start", __name__, url_prefix="/cases/new")
ORG_NUMBER_MAX = 20


def _offered(municipality: Municipality) -> list[tuple[str, str]]:
    """(process id, its name) of every process the municipality offers that is deployed."""
    engine = services().engine
    offered = []
    for process_id in settings_of(municipality).processes:
        try:
            version = engine.latest_version(db(), process_id)
        except NotFound:  # named in the settings but not deployed: not offered
            continue
        offered.append((process_id, engine.definition(db(), version.id).name or process_id))
    return offered


def _form(municipality: Municipality, processes: list[tuple[str, str]], errors: dict[str, str],
          raw: dict[str, str], status: int = 200) -> Any:
    return render_template("cases/start.html", municipality=municipality, processes=processes, errors=errors,
                           raw=raw), status


def _organisation_error(number: str) -> str | None:
    if not number:
        return translate("case_start.error.organisation_required")
    if len(number) > ORG_NUMBER_MAX:
        return translate("case_start.error.organisation_invalid")
    try:
        organisation_by_number(db(), number)
    except AccountError as exc:
        return translate("case_start.error.organisation_unknown" if "no organisation" in str(exc)
                         else "case_start.error.organisation_invalid")
    return None


@bp.route("/", methods=["GET", "POST"])
@login_required(Role.OFFICER)
def start() -> Any:
    me = user()
    municipality = me.municipality
    if municipality is None:
        raise Forbidden("your account belongs to no municipality")
    processes = _offered(municipality)
    if request.method == "GET":
        return _form(municipality, processes, {}, {"process": processes[0][0] if len(processes) == 1 else ""})
    raw = {"organisation": request.form.get("organisation", "").strip(), "process": request.form.get("process", "")}
    errors: dict[str, str] = {}
    problem = _organisation_error(raw["organisation"])
    if problem:
        errors["organisation"] = problem
    if raw["process"] not in {p for p, _ in processes}:
        errors["process"] = translate("case_start.error.process")
    if errors:
        return _form(municipality, processes, errors, raw, 422)
    try:
        case = task_actions.start_case(db(), services().engine, me, municipality.slug, raw["process"], None,
                                       raw["organisation"])
    except InvalidData:
        db().rollback()
        return _form(municipality, processes, {"process": translate("case_start.error.process")}, raw, 422)
    commit()
    flash(translate("case_start.started", number=case.registration_number, organisation=case.organisation.name),
          "success")
    first = next_task_for(me, case.id)
    if first is not None:
        return redirect(url_for("task_page.show", task_id=first.id))
    return redirect(url_for("cases.show", case_id=case.id))
