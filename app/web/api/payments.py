"""`GET /api/v1/payments`: the payments across a municipality's agreements, as /finance/payments shows them.

For finance, officers and administrators (a municipality-bound caller sees its own municipality; an administrator
without one names it with `municipality`). Filters `state` (planned, released, overdue, held, paid, cancelled),
`from` and `to` (due dates, ISO); paginated with `limit`/`offset` like the other lists; `sums` and `total_sek`
cover every matching payment, not only the page. The repayment claims of agreements ended early come along
(they are few). The data comes from app/queries/payments.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request

from app.core.errors import InvalidData
from app.core.municipal_settings import settings_of
from app.core.roles import PAYMENT_ROLES
from app.queries.payments import FILTER_MESSAGES, PaymentRow, parse_filters, payments
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, municipality_for, paging
from app.web.context import db, services

ROLES = PAYMENT_ROLES


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def payment_json(row: PaymentRow) -> dict[str, Any]:
    return {
        "case_id": row.case_id, "registration_number": row.registration_number, "organisation": row.organisation,
        "agreement_status": row.agreement_status, "version": row.version, "number": row.number,
        "due": row.due.isoformat(), "amount_sek": row.amount_sek, "status": row.status, "state": row.state,
        "held_for_year": row.held_for_year, "held_on": _day(row.held_on), "released_on": _day(row.released_on),
        "paid_on": _day(row.paid_on), "reference": row.reference, "overdue_from": _day(row.overdue_from),
        "pay_task_id": row.pay_task_id,
    }


@api.get("/payments")
@authenticated
def list_payments() -> Any:
    user = caller()
    municipality = municipality_for(
        user, request.args.get("municipality"), ROLES,
        not_role="the payments are for the municipality's finance, officers and administrators",
        not_own="you may only see your own municipality's payments")
    # `status` is the name ../shared/interface.md gives the filter; `state` the name the rows carry: either works
    state, status = request.args.get("state"), request.args.get("status")
    filters, problems = parse_filters(state or status, request.args.get("from"), request.args.get("to"))
    if state and status and state.strip() != status.strip():
        problems["status"] = "state_status"
    if problems:
        raise InvalidData("bad filters", {name: FILTER_MESSAGES[code] for name, code in problems.items()})
    limit, offset = paging()
    found = payments(db(), municipality.id, services().clock.today(),
                     overdue_days=settings_of(municipality).agreement.payment_overdue_days, state=filters.state,
                     due_from=filters.due_from, due_to=filters.due_to)
    return jsonify({
        "municipality": municipality.slug, "today": found.today.isoformat(),
        "items": [payment_json(r) for r in found.rows[offset:offset + limit]],
        "total": len(found.rows), "limit": limit, "offset": offset,
        "sums": found.sums, "total_sek": found.total_sek,
        "claims": [{
            "case_id": c.case_id, "registration_number": c.registration_number, "organisation": c.organisation,
            "terminated_on": c.terminated_on.isoformat(), "amount_sek": c.amount_sek,
            "settled_sek": c.settled_sek, "left_sek": c.left_sek, "status": c.status, "task_id": c.task_id,
        } for c in found.claims],
    })
