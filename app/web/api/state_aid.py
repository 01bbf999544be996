"""GET /organisations/{id}/state-aid: an organisation's de minimis aid, every municipality of the installation.

The sum is installation-wide by law (every grantor counts), so the staff of any municipality see every row;
an organisation's representative sees its own organisation's; anyone else gets 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request

from app.core.errors import InvalidData, NotFound
from app.core.roles import Role
from app.domain.state_aid.decisions import overview
from app.domain.state_aid.window import CEILING_CENTS, WARN_PERCENT, first_decision_counted, in_euro, last_day_counted
from app.models import Case, Municipality, Organisation
from app.models.state_aid import DE_MINIMIS, StateAid
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller
from app.web.api.organisations import organisation_json
from app.web.context import db, services


def _euro(cents: int) -> str:
    return f"{in_euro(cents):.2f}"


def _day() -> date:
    raw = request.args.get("on")
    if not raw:
        return services().clock.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidData("on: not a date (YYYY-MM-DD)", {"on": "not a date (YYYY-MM-DD)"}) from None


def _aid_json(aid: StateAid, day: date) -> dict[str, Any]:
    municipality = db().get(Municipality, aid.municipality_id)
    case = db().get(Case, aid.case_id) if aid.case_id is not None else None
    return {"id": aid.id, "municipality": municipality.slug if municipality else None, "case_id": aid.case_id,
            "registration_number": case.registration_number if case else None,
            "decided_on": aid.decided_on.isoformat(), "counts_until": last_day_counted(aid.decided_on).isoformat(),
            "in_window": aid.decided_on <= day <= last_day_counted(aid.decided_on), "amount_sek": aid.amount_sek,
            "eur_rate": aid.eur_rate, "amount_eur": _euro(aid.amount_eur_cents), "regulation": aid.regulation}


@api.get("/organisations/<int:org_id>/state-aid")
@authenticated
def organisation_state_aid(org_id: int) -> Any:
    user = caller()
    org = db().get(Organisation, org_id)
    if org is None or (user.role == Role.ORGANISATION and user.organisation_id != org.id):
        raise NotFound("no such organisation")
    day = _day()
    seen = overview(db(), org.id, day)
    ceiling = CEILING_CENTS[DE_MINIMIS]
    return jsonify({
        "organisation": organisation_json(org), "on": day.isoformat(),
        "window_from": first_decision_counted(day).isoformat(),
        "window_eur": _euro(seen.window_cents),
        "ceilings_eur": {name: _euro(cents) for name, cents in CEILING_CENTS.items()},
        "warning": seen.window_cents * 100 >= ceiling * WARN_PERCENT and seen.window_cents <= ceiling,
        "over_ceiling": seen.window_cents > ceiling,
        "items": [_aid_json(a, day) for a in seen.aids]})
