"""Ending an agreement early: `POST /api/v1/cases/{case_id}/terminate` with {"reason", "date"} (officer).

The officer of the case's municipality gives a reason and the first day without activity; the diagram's
`terminate` message ends the period and the agreement's repayment rule computes the claim, answered with
the agreement."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify
from sqlalchemy import select

from app.domain import task_actions
from app.domain.agreements.actions import terminate_agreement
from app.engine.errors import Conflict, Forbidden, InvalidData, NotFound
from app.models.agreement import Agreement
from app.web.api import api
from app.web.api.agreements import agreement_json
from app.web.api.common import authenticated, caller, json_body, row_id, string_field
from app.web.context import commit, db, services


def _checked_date(raw: str | None, agreement: Agreement) -> str:
    if not raw:
        raise InvalidData("date is required", {"date": "Ange datumet då verksamheten upphör."})
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidData("write the date as YYYY-MM-DD", {"date": "Skriv datumet som ÅÅÅÅ-MM-DD."}) from None
    period = next((p for p in agreement.periods if p.version == agreement.current_version), None)
    if period is not None and day < period.start:
        raise InvalidData("the date is before the agreement period started",
                          {"date": f"Datumet kan inte vara före avtalsperiodens start {period.start.isoformat()}."})
    if period is not None and day > period.end:
        raise InvalidData("the date is after the agreement period ends",
                          {"date": f"Datumet kan inte vara efter avtalsperiodens slut {period.end.isoformat()}."})
    return day.isoformat()


@api.post("/cases/<case_id>/terminate")
@authenticated
def terminate(case_id: str) -> Any:
    number = row_id(case_id)
    if number is None:
        raise NotFound("the case does not exist")
    user = caller()
    case = task_actions.get_case(db(), user, number)
    if user.role != "officer" or user.municipality_id != case.municipality_id:
        raise Forbidden("only an officer of the case's municipality can end an agreement early")
    agreement = db().scalar(select(Agreement).where(Agreement.case_id == case.id))
    if agreement is None or agreement.status != "running":
        raise Conflict("the agreement is not running")
    body = json_body("reason", "date")
    reason = string_field(body, "reason", required=False, max_length=2000)
    fields: dict[str, str] = {}
    if not (reason or "").strip():
        fields["reason"] = "Skriv varför överenskommelsen avslutas i förtid."
    try:
        day = _checked_date(string_field(body, "date", required=False, max_length=10), agreement)
    except InvalidData as exc:
        fields.update(exc.fields)
    if fields:
        raise InvalidData("the termination was refused", fields)
    terminate_agreement(db(), services().engine, case, user, day, reason or "")
    commit()
    done = db().scalar(select(Agreement).where(Agreement.case_id == case.id))
    assert done is not None
    claim = done.claim
    return jsonify(dict(agreement_json(done), repayment_claim=None if claim is None else {
        "terminated_on": claim.terminated_on.isoformat(), "reason": claim.reason, "rule": claim.rule,
        "amount_sek": claim.amount_sek, "settled_sek": claim.settled_sek, "status": claim.status,
        "lines": claim.lines}))
