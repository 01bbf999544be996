"""Decisions under delegation, /decisions/delegated: what officials decided on the committee's behalf, and their
report to the committee meeting by meeting (issue 13).

Officers, the board (its secretary reports the decisions) and administrators of the municipality. The page lists
the decisions not yet reported, with a form to report the chosen ones to a meeting (committee, date, the minutes'
reference), and the reports made; `?report=<id>` shows one meeting's list, printable. The data and the rules
are app/domain/delegation.py's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from app.core.errors import InvalidData, NotFound
from app.core.roles import DELEGATION_ROLES
from app.domain import delegation
from app.models import Municipality
from app.web.api.common import row_id
from app.web.context import db, services
from app.web.i18n import translate
from app.web.pages.common import municipality_for, user
from app.web.security import login_required

bp = Blueprint("delegation", __name__, url_prefix="/decisions")

FIELDS = ("decisions", "committee", "meeting_on", "reference")


def _page(municipality: Municipality | None, choices: list[Municipality], *, errors: dict[str, str] | None = None,
          raw: dict[str, Any] | None = None, status: int = 200) -> Any:
    context: dict[str, Any] = {"municipality": municipality, "choices": choices, "errors": errors or {},
                               "raw": raw or {}, "report": None, "reported": [], "unreported": [], "reports": []}
    if municipality is not None:
        report_id = request.args.get("report", "")
        if report_id:
            found = row_id(report_id)
            if found is None:
                raise NotFound("no such report")
            context["report"] = delegation.report_of(db(), municipality.id, found)
            context["reported"] = delegation.decisions(db(), municipality.id, report_id=found)
        else:
            context["unreported"] = delegation.decisions(db(), municipality.id, unreported=True)
            context["reports"] = delegation.reports(db(), municipality.id)
            committees = sorted({item.committee for item in delegation.items_of(db(), municipality.id)})
            context["raw"].setdefault("committee", committees[0] if len(committees) == 1 else "")
    return render_template("delegation/index.html", **context), status


@bp.get("/delegated")
@login_required(*DELEGATION_ROLES)
def index() -> Any:
    municipality, choices = municipality_for(user(), request.args.get("municipality"))
    return _page(municipality, choices)


@bp.post("/delegated/report")
@login_required(*DELEGATION_ROLES)
def report() -> Any:
    municipality, choices = municipality_for(user(), request.form.get("municipality"))
    if municipality is None:
        raise NotFound("choose a municipality first")
    raw: dict[str, Any] = {name: request.form.get(name, "")[:300] for name in FIELDS if name != "decisions"}
    chosen = [found for found in map(row_id, request.form.getlist("decisions")[:1000]) if found is not None]
    raw["decisions"] = chosen
    errors: dict[str, str] = {}
    meeting_on: date | None = None
    try:
        meeting_on = date.fromisoformat(raw["meeting_on"].strip())
    except ValueError:
        errors["meeting_on"] = translate("delegation.error.meeting_on")
    if not chosen:
        errors["decisions"] = translate("delegation.error.decisions")
    if not raw["committee"].strip():
        errors["committee"] = translate("delegation.error.committee")
    if not errors and meeting_on is not None:
        try:
            made = delegation.report(db(), services().clock, user(), municipality.id, chosen, raw["committee"],
                                     meeting_on, raw["reference"])
        except InvalidData as exc:
            errors = {name: translate(f"delegation.error.{name}") for name in exc.fields}
        else:
            db().commit()
            return redirect(url_for("delegation.index", report=made.id,
                                    municipality=municipality.slug if choices else None), 303)
    return _page(municipality, choices, errors=errors, raw=raw, status=400)
