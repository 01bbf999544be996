"""An agreement's plan and its progress: periods, payments and follow-ups (read only).

`GET /api/v1/cases/{case_id}/agreement` answers the agreement projection of a case that runs an
agreement cycle (Stenungsund's): what is planned, released, held and paid, which follow-ups are
open or approved, and when the renewal dialogue opens and must be decided. Anyone who may see the
case may read it; a case without an agreement (or not yet decided) answers 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify
from sqlalchemy import select

from app.domain import task_actions
from app.engine.errors import NotFound
from app.models.agreement import Agreement
from app.web.api import api
from app.web.api.common import authenticated, caller, row_id
from app.web.context import db


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def agreement_json(agreement: Agreement) -> dict[str, Any]:
    return {
        "case_id": agreement.case_id,
        "status": agreement.status,
        "current_version": agreement.current_version,
        "periods": [{
            "version": p.version, "start": _day(p.start), "end": _day(p.end), "years": p.years,
            "yearly_amount_sek": p.yearly_amount_sek, "total_sek": p.total_sek,
            "payment_interval": p.payment_interval, "renewal_dialogue_opens": _day(p.renewal_dialogue_opens),
            "renewal_decision_deadline": _day(p.renewal_decision_deadline),
        } for p in agreement.periods],
        "payments": [{
            "version": p.version, "number": p.number, "due": _day(p.due), "amount_sek": p.amount_sek,
            "status": p.status, "held_on": _day(p.held_on), "released_on": _day(p.released_on),
            "paid_on": _day(p.paid_on), "reference": p.reference,
        } for p in sorted(agreement.payments, key=lambda p: (p.version, p.number))],
        "follow_ups": [{
            "version": f.version, "year": f.year, "opens": _day(f.opens), "due": _day(f.due),
            "gates": _day(f.gates), "status": f.status, "rounds": f.rounds,
        } for f in sorted(agreement.follow_ups, key=lambda f: (f.version, f.year))],
    }


@api.get("/cases/<case_id>/agreement")
@authenticated
def get_agreement(case_id: str) -> Any:
    number = row_id(case_id)
    if number is None:
        raise NotFound("the case does not exist")
    case = task_actions.get_case(db(), caller(), number)
    agreement = db().scalar(select(Agreement).where(Agreement.case_id == case.id))
    if agreement is None:
        raise NotFound("the case has no agreement (yet)")
    return jsonify(agreement_json(agreement))
