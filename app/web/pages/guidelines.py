"""The review of the IOP guidelines once per electoral term, /guidelines (issue 13): for the municipality's
process owners (who record it) and administrators.

The open review (app/domain/guidelines.py opens it on the review day of the year after each general election)
with a form for its outcome, unchanged or revised, and the decision; the reviews of earlier terms; and when
the next one is due. A process owner's overview (/admin/) says when a review is open.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from app.core.errors import InvalidData, NotFound
from app.core.municipal_settings import settings_of
from app.core.roles import PROCESS_ROLES
from app.domain import guidelines
from app.models import Municipality
from app.web.api.common import row_id
from app.web.context import db, services
from app.web.i18n import translate
from app.web.pages.common import municipality_for, user
from app.web.security import login_required

bp = Blueprint("guidelines", __name__, url_prefix="/guidelines")

FIELDS = ("outcome", "decision_reference", "note")


def next_review(municipality: Municipality, today: date) -> date:
    return guidelines.next_review_day(today, settings_of(municipality).guidelines_review_on)


def _page(municipality: Municipality | None, choices: list[Municipality], *, errors: dict[str, str] | None = None,
          raw: dict[str, str] | None = None, status: int = 200) -> Any:
    context: dict[str, Any] = {"municipality": municipality, "choices": choices, "errors": errors or {},
                               "raw": raw or {}, "open": None, "done": [], "next_on": None,
                               "outcomes": guidelines.OUTCOMES}
    if municipality is not None:
        reviews = guidelines.reviews_of(db(), municipality.id)
        context["open"] = next((r for r in reviews if r.completed_at is None), None)
        context["done"] = [r for r in reviews if r.completed_at is not None]
        context["next_on"] = next_review(municipality, services().clock.today())
    return render_template("guidelines/index.html", **context), status


@bp.get("")
@login_required(*PROCESS_ROLES)
def index() -> Any:
    municipality, choices = municipality_for(user(), request.args.get("municipality"))
    return _page(municipality, choices)


@bp.post("/<review_id>/complete")
@login_required(*PROCESS_ROLES)
def complete(review_id: str) -> Any:
    municipality, choices = municipality_for(user(), request.form.get("municipality"))
    found = row_id(review_id)
    if municipality is None or found is None:
        raise NotFound("no such review")
    raw = {name: request.form.get(name, "")[:5000] for name in FIELDS}
    try:
        guidelines.complete(db(), services().clock, user(), municipality.id, found, raw["outcome"],
                            raw["decision_reference"], raw["note"])
    except InvalidData as exc:
        db().rollback()
        errors = {name: translate(f"guidelines.error.{name}") for name in exc.fields}
        return _page(municipality, choices, errors=errors, raw=raw, status=400)
    db().commit()
    return redirect(url_for("guidelines.index", municipality=municipality.slug if choices else None), 303)
