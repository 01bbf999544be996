"""Finance: the payments across the municipality's agreements, /finance/payments and /finance/payments.csv
(issue 10).

For finance (who pays and records repayments through the open tasks linked here), officers (read only) and
administrators (a municipality-bound administrator sees its own; one without a municipality picks one). Filters:
state (planned, released, overdue, held, paid, cancelled) and a range of due dates; sums in SEK per state. Below,
the repayment claims of agreements ended early: claimed, repaid, left, and the open "record repayment" task.
The CSV has the same rows and filters, for Swedish Excel: UTF-8 with BOM, `;` between fields, amounts as whole
kronor, dates ISO. The data comes from app/queries/payments.py.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, render_template, request

from app.core.errors import NotFound
from app.core.municipal_settings import settings_of
from app.core.roles import PAYMENT_ROLES, Role
from app.models import Municipality
from app.queries.payments import STATES, Filters, PaymentRow, Payments, parse_filters, payments
from app.web import formatting
from app.web.context import db, services
from app.web.csv_cells import safe_cell as _cell  # shared with the case list's export
from app.web.i18n import translate
from app.web.pages.common import lang, municipality_for, user
from app.web.security import login_required

bp = Blueprint("finance", __name__, url_prefix="/finance")

ROLES = PAYMENT_ROLES


def find(municipality: Municipality, filters: Filters) -> Payments:
    days = settings_of(municipality).agreement.payment_overdue_days
    return payments(db(), municipality.id, services().clock.today(), overdue_days=days, state=filters.state,
                    due_from=filters.due_from, due_to=filters.due_to)


def state_text(row: PaymentRow) -> str:
    if row.held_for_year is not None:
        return translate("agreement.payment.held_because", year=row.held_for_year)
    return translate(f"finance.state.{row.state}")


def _request_filters() -> tuple[Filters, dict[str, str], dict[str, str]]:
    raw = {name: request.args.get(name, "")[:40] for name in ("state", "from", "to")}
    filters, problems = parse_filters(raw["state"], raw["from"], raw["to"])
    errors = {name: translate(f"finance.error.{code}") for name, code in problems.items()}
    return filters, errors, raw


@bp.get("/payments")
@login_required(*ROLES)
def index() -> Any:
    viewer = user()
    municipality, choices = municipality_for(viewer, request.args.get("municipality"))
    filters, errors, raw = _request_filters()
    found = find(municipality, filters) if municipality is not None else None
    query = {k: v for k, v in raw.items() if v}
    if choices and municipality is not None:
        query["municipality"] = municipality.slug
    html = render_template(
        "finance/payments.html", municipality=municipality, choices=choices, found=found, raw=raw, errors=errors,
        states=STATES, state_text=state_text, can_pay=viewer.role == Role.FINANCE, query=query,
        sek=lambda v: formatting.sek(v, lang()))
    return html, 422 if errors else 200


CSV_COLUMNS = ("registration_number", "organisation", "period", "payment", "due", "amount_sek", "state", "held_for",
               "released_on", "paid_on", "reference", "overdue_from")


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


@bp.get("/payments.csv")
@login_required(*ROLES)
def export() -> Any:
    municipality, _ = municipality_for(user(), request.args.get("municipality"))
    if municipality is None:
        raise NotFound("choose a municipality first")
    filters, errors, _ = _request_filters()
    if errors:
        return Response("; ".join(f"{k}: {v}" for k, v in errors.items()) + "\n", status=422,
                        mimetype="text/plain")
    found = find(municipality, filters)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([translate(f"finance.csv.{name}") for name in CSV_COLUMNS])
    for row in found.rows:
        writer.writerow([_cell(row.registration_number), _cell(row.organisation), row.version, row.number,
                         _iso(row.due), row.amount_sek, row.state, row.held_for_year or "", _iso(row.released_on),
                         _iso(row.paid_on), _cell(row.reference), _iso(row.overdue_from)])
    body = "\ufeff" + out.getvalue()
    name = f"utbetalningar-{municipality.slug}-{found.today.isoformat()}.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})
