"""Ending an agreement early: `POST /api/v1/cases/{case_id}/terminate` with {"reason", "date"} (officer).

The officer of the case's municipality gives a reason and the first day without activity; the diagram's
`terminate` message ends the period and the agreement's repayment rule computes the claim, answered with
the agreement. The checks and the termination are `app.domain.agreements.termination`, shared with the page
/cases/<id>/agreement/terminate."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.core.errors import Forbidden, NotFound
from app.domain import task_actions
from app.domain.agreements import termination
from app.web.api.agreements import agreement_json
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body, row_id, string_field
from app.web.context import commit, db, services


@api.post("/cases/<case_id>/terminate")
@authenticated
def terminate(case_id: str) -> Any:
    number = row_id(case_id)
    if number is None:
        raise NotFound("the case does not exist")
    user = caller()
    case = task_actions.get_case(db(), user, number)
    if not termination.may_terminate(user, case):  # 403 and 409 before the body is judged
        raise Forbidden("only an officer of the case's municipality can end an agreement early")
    termination.running_agreement(db(), case)
    body = json_body("reason", "date")
    reason = string_field(body, "reason", required=False, max_length=termination.REASON_MAX)
    day = string_field(body, "date", required=False, max_length=10)
    try:
        done = termination.terminate(db(), services().engine, user, case, reason, day)
    except termination.Problems as problems:
        raise termination.as_invalid(problems) from None
    commit()
    claim = done.claim
    return jsonify(dict(agreement_json(done), repayment_claim=None if claim is None else {
        "terminated_on": claim.terminated_on.isoformat(), "reason": claim.reason, "rule": claim.rule,
        "amount_sek": claim.amount_sek, "settled_sek": claim.settled_sek, "status": claim.status,
        "lines": claim.lines}))
