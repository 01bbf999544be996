"""The guidelines review per electoral term through the API (issue 13), as /guidelines shows it.

`GET /api/v1/guideline-reviews`: the municipality's reviews, newest term first, and the next review day.
`POST /api/v1/guideline-reviews/{id}/complete` records the outcome (process owners of the municipality).
Administrators read (one without a municipality names it with `municipality`). Rules: app/domain/guidelines.py.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from app.core.errors import Forbidden, NotFound
from app.core.municipal_settings import settings_of
from app.core.roles import PROCESS_ROLES, Role
from app.domain import guidelines
from app.models.guidelines import GuidelineReview
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body, municipality_for, row_id, string_field
from app.web.context import db, services

NOT_ROLE = "the guidelines review is for the municipality's process owners and administrators"
NOT_OWN = "you may only see your own municipality's reviews"


def review_json(review: GuidelineReview) -> dict[str, Any]:
    return {"id": review.id, "election_year": review.election_year, "due_on": review.due_on.isoformat(),
            "opened_at": review.opened_at.isoformat(), "outcome": review.outcome,
            "decision_reference": review.decision_reference, "note": review.note,
            "completed_by": review.completed_by_name or None,
            "completed_at": review.completed_at.isoformat() if review.completed_at else None}


@api.get("/guideline-reviews")
@authenticated
def list_guideline_reviews() -> Any:
    municipality = municipality_for(caller(), request.args.get("municipality"), PROCESS_ROLES, not_role=NOT_ROLE,
                                    not_own=NOT_OWN)
    return jsonify({"municipality": municipality.slug,
                    "next_review_on": guidelines.next_review_day(
                        services().clock.today(), settings_of(municipality).guidelines_review_on).isoformat(),
                    "items": [review_json(r) for r in guidelines.reviews_of(db(), municipality.id)]})


@api.post("/guideline-reviews/<review_id>/complete")
@authenticated
def complete_guideline_review(review_id: str) -> Any:
    user = caller()
    if user.role != Role.PROCESS_OWNER or user.municipality_id is None:
        raise Forbidden("a process owner of the municipality records the review")
    found = row_id(review_id)
    if found is None:
        raise NotFound("no such review")
    body = json_body("outcome", "decision_reference", "note")
    outcome = string_field(body, "outcome", required=False, max_length=20) or ""
    reference = string_field(body, "decision_reference", required=False, max_length=guidelines.MAX_REFERENCE) or ""
    note = string_field(body, "note", required=False, max_length=guidelines.MAX_NOTE) or ""
    review = guidelines.complete(db(), services().clock, user, user.municipality_id, found, outcome, reference, note)
    db().commit()
    return jsonify(review_json(review))
