"""An agreement's plan and its progress: periods, payments and follow-ups (read only).

`GET /api/v1/cases/{case_id}/agreement` answers the agreement projection of a case that runs an
agreement cycle (Stenungsund's): what is planned, released, held and paid, which follow-ups are
open or approved, and when the renewal dialogue opens and must be decided. Anyone who may see the
case may read it; a case without an agreement (or not yet decided) answers 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request
from sqlalchemy import select

from app.core.errors import InvalidData, NotFound
from app.core.roles import STAFF_ROLES, Role
from app.domain import task_actions
from app.models.agreement import Agreement
from app.queries.upcoming import upcoming
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, municipality_for, row_id
from app.web.context import db, services


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


# --- upcoming work across the municipality's running agreements ------------------------------------------------

def _item_json(item: Any) -> dict[str, Any] | None:
    if item is None:
        return None
    return {"date": item.day.isoformat(), "status": item.status, "overdue": item.overdue,
            "amount_sek": item.amount_sek, "year": item.year}


def _days(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 3660:
        raise InvalidData("due_within_days must be a whole number of days, 0-3660",
                          {"due_within_days": "a whole number of days from 0 to 3660"})
    return int(raw)


@api.get("/agreements")
@authenticated
def list_agreements() -> Any:
    municipality = municipality_for(
        caller(), request.args.get("municipality"), (*STAFF_ROLES, Role.ADMIN),
        not_role="upcoming agreement work is for the municipality's staff",
        not_own="you may only see your own municipality's agreements")
    days = _days(request.args.get("due_within_days"))
    found = upcoming(db(), municipality.id, services().clock.today(), days)
    kinds = ("payment", "follow_up_opens", "follow_up_due", "renewal_dialogue", "renewal_deadline")
    return jsonify({
        "municipality": municipality.slug, "today": found.today.isoformat(), "until": found.until.isoformat(),
        "items": [{
            "case_id": a.case_id, "registration_number": a.registration_number, "title": a.title,
            "organisation": a.organisation, "current_version": a.version,
            "period_end": _day(a.period_end),
            "renewal_dialogue_opens": _day(a.renewal_dialogue_opens),
            "renewal_decision_deadline": _day(a.renewal_decision_deadline),
            "next": {kind: _item_json(found.next_by_agreement.get(a.agreement_id, {}).get(kind)) for kind in kinds},
        } for a in found.agreements],
        "sek_per_year": [{"year": y.year, "planned_sek": y.planned_sek, "released_sek": y.released_sek,
                          "paid_sek": y.paid_sek, "total_sek": y.total_sek} for y in found.years],
    })
