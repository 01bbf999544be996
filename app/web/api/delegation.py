"""Decisions under delegation through the API (issue 13), as /decisions/delegated shows them.

`GET /api/v1/delegated-decisions`: a municipality's decisions (`reported=false` only those not yet reported,
`report=<id>` one meeting's). `GET /api/v1/delegation-reports`: the reports made. `POST /api/v1/delegation-reports`
reports decisions to a committee meeting. For officers, the board and administrators of the municipality (an
administrator without one names it with `municipality`). The rules are app/domain/delegation.py's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request

from app.core.errors import InvalidData
from app.core.roles import DELEGATION_ROLES
from app.domain import delegation
from app.models.delegation import DelegatedDecision, DelegationReport
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body, municipality_for, paging, row_id, string_field
from app.web.context import db, services

NOT_ROLE = "decisions under delegation are for the municipality's officers, board and administrators"
NOT_OWN = "you may only see your own municipality's decisions"


def decision_json(decision: DelegatedDecision, registration_number: str) -> dict[str, Any]:
    return {
        "id": decision.id, "case_id": decision.case_id, "registration_number": registration_number,
        "task_name": decision.task_name, "step_title": decision.step_title, "item_code": decision.item_code,
        "item_title": decision.item_title, "delegate": decision.delegate, "committee": decision.committee,
        "decided_by": decision.decided_by_name, "decided_at": decision.decided_at.isoformat(),
        "summary": decision.summary, "report_id": decision.report_id,
    }


def report_json(report: DelegationReport) -> dict[str, Any]:
    return {"id": report.id, "committee": report.committee, "meeting_on": report.meeting_on.isoformat(),
            "reference": report.reference, "reported_by": report.reported_by_name,
            "reported_at": report.reported_at.isoformat()}


@api.get("/delegated-decisions")
@authenticated
def list_decisions() -> Any:
    municipality = municipality_for(caller(), request.args.get("municipality"), DELEGATION_ROLES,
                                    not_role=NOT_ROLE, not_own=NOT_OWN)
    reported = request.args.get("reported", "")
    if reported not in ("", "true", "false"):
        raise InvalidData("bad filter", {"reported": "true or false"})
    report_id: int | None = None
    if request.args.get("report"):
        report_id = row_id(request.args["report"])
        if report_id is None:
            raise InvalidData("bad filter", {"report": "a report's id"})
        delegation.report_of(db(), municipality.id, report_id)
    limit, offset = paging()
    rows = delegation.decisions(db(), municipality.id, report_id=report_id, unreported=reported == "false")
    if reported == "true":
        rows = [row for row in rows if row[0].report_id is not None]
    return jsonify({"municipality": municipality.slug, "total": len(rows), "limit": limit, "offset": offset,
                    "items": [decision_json(d, number) for d, number in rows[offset:offset + limit]]})


@api.get("/delegation-reports")
@authenticated
def list_reports() -> Any:
    municipality = municipality_for(caller(), request.args.get("municipality"), DELEGATION_ROLES,
                                    not_role=NOT_ROLE, not_own=NOT_OWN)
    return jsonify({"municipality": municipality.slug,
                    "items": [report_json(r) for r in delegation.reports(db(), municipality.id)]})


@api.post("/delegation-reports")
@authenticated
def create_report() -> Any:
    body = json_body("municipality", "decisions", "committee", "meeting_on", "reference")
    slug = string_field(body, "municipality", required=False, max_length=40)
    municipality = municipality_for(caller(), slug, DELEGATION_ROLES, not_role=NOT_ROLE, not_own=NOT_OWN)
    ids = body.get("decisions")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool)
                                                       and 0 < i < 2**31 for i in ids):
        raise InvalidData("decisions must be a list of decision ids", {"decisions": "a non-empty list of ids"})
    committee = string_field(body, "committee", max_length=delegation.MAX_COMMITTEE) or ""
    reference = string_field(body, "reference", required=False, max_length=delegation.MAX_REFERENCE) or ""
    raw_day = string_field(body, "meeting_on", max_length=10) or ""
    try:
        meeting_on = date.fromisoformat(raw_day)
    except ValueError as exc:
        raise InvalidData("meeting_on must be a date", {"meeting_on": "YYYY-MM-DD"}) from exc
    made = delegation.report(db(), services().clock, caller(), municipality.id, ids, committee, meeting_on, reference)
    db().commit()
    return jsonify(report_json(made)), 201
