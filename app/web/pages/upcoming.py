"""Upcoming agreement work for the municipality's officers, board, finance and administrators.

/agreements/upcoming lists month by month, for the next 12 months, the payments, follow-ups, renewal
dialogues and decision deadlines of the running agreements (overdue ones first and highlighted), and the
SEK per year. The data comes from app/queries/upcoming.py.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from babel.numbers import format_decimal
from flask import Blueprint, render_template, request
from sqlalchemy import select

from app.engine.errors import NotFound
from app.models import Municipality
from app.queries.upcoming import Item, upcoming
from app.web.context import db, services
from app.web.i18n import translate
from app.web.pages.common import lang, user
from app.web.security import login_required

bp = Blueprint("upcoming", __name__)

ROLES = ("officer", "board", "finance", "admin")


def sek(amount: int | None) -> str:
    """300 000 kr (Swedish grouping with a no-break space)."""
    if amount is None:
        return "–"
    return f"{format_decimal(amount, locale='sv_SE' if lang() == 'sv' else 'en_GB')}\u00a0kr"


def item_text(item: Item) -> str:
    values: dict[str, Any] = {"amount": sek(item.amount_sek), "year": item.year or ""}
    key = f"upcoming.kind.{item.kind}"
    if item.kind == "payment":
        key += f".{item.status}"
    return translate(key, **values)


def _municipality() -> tuple[Municipality | None, list[Municipality]]:
    me = user()
    if me.municipality_id is not None:
        return db().get(Municipality, me.municipality_id), []
    choices = list(db().scalars(select(Municipality).order_by(Municipality.name)))
    slug = request.args.get("municipality", "")[:40]
    chosen = next((m for m in choices if m.slug == slug), None)
    if slug and chosen is None:
        raise NotFound("no such municipality")
    return chosen, choices


@bp.get("/agreements/upcoming")
@login_required(*ROLES)
def index() -> Any:
    municipality, choices = _municipality()
    found = upcoming(db(), municipality.id, services().clock.today()) if municipality is not None else None
    months: list[tuple[str, list[Item]]] = []
    overdue: list[Item] = []
    if found is not None:
        overdue = [i for i in found.items if i.overdue]
        ahead = [i for i in found.items if not i.overdue]
        for (year, month), group in groupby(ahead, key=lambda i: (i.day.year, i.day.month)):
            months.append((translate(f"upcoming.month.{month}") + f" {year}", list(group)))
    return render_template("upcoming/index.html", municipality=municipality, choices=choices, found=found,
                           months=months, overdue=overdue, item_text=item_text, sek=sek)
