"""Upcoming agreement work for the municipality's officers, board, finance and administrators.

/agreements/upcoming lists month by month, for the next 12 months, the payments, follow-ups, renewal
dialogues and decision deadlines of the running agreements (overdue ones first and highlighted), and the
SEK per year. The data comes from app/queries/upcoming.py.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from babel.numbers import format_decimal
from flask import Blueprint, Response, render_template, request, url_for

from app.core.errors import NotFound
from app.core.roles import UPCOMING_ROLES
from app.models import Municipality
from app.queries.upcoming import Item, upcoming
from app.web import calendar_feed
from app.web.context import db, services
from app.web.i18n import translate
from app.web.pages.common import lang, municipality_for, user
from app.web.security import login_required

bp = Blueprint("upcoming", __name__)

ROLES = UPCOMING_ROLES


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


def _page(new_link: str | None = None) -> Any:
    municipality, choices = municipality_for(user(), request.args.get("municipality"))
    found = upcoming(db(), municipality.id, services().clock.today()) if municipality is not None else None
    months: list[tuple[str, list[Item]]] = []
    overdue: list[Item] = []
    if found is not None:
        overdue = [i for i in found.items if i.overdue]
        ahead = [i for i in found.items if not i.overdue]
        for (year, month), group in groupby(ahead, key=lambda i: (i.day.year, i.day.month)):
            months.append((translate(f"upcoming.month.{month}") + f" {year}", list(group)))
    feed = calendar_feed.link_of(db(), user())
    return render_template("upcoming/index.html", municipality=municipality, choices=choices, found=found,
                           months=months, overdue=overdue, item_text=item_text, sek=sek, feed=feed,
                           new_link=new_link)


@bp.get("/agreements/upcoming")
@login_required(*ROLES)
def index() -> Any:
    return _page()


@bp.post("/agreements/upcoming/calendar-link")
@login_required(*ROLES)
def new_calendar_link() -> Any:
    """A new personal feed link (the old one stops working); shown once, in this answer: only its hash is kept."""
    municipality, _ = municipality_for(user(), request.args.get("municipality"))
    if municipality is None:
        raise NotFound("choose a municipality first")
    token = calendar_feed.create_link(db(), user(), municipality.id, services().clock.now())
    db().commit()
    return _page(url_for("upcoming.feed", token=token, _external=True))


@bp.post("/agreements/upcoming/calendar-link/remove")
@login_required(*ROLES)
def remove_calendar_link() -> Any:
    calendar_feed.remove_link(db(), user())
    db().commit()
    return _page()


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Any:
    row = calendar_feed.feed_for(db(), token, ROLES)
    if row is None:
        raise NotFound("no such calendar")
    municipality = db().get(Municipality, row.municipality_id)
    assert municipality is not None
    found = upcoming(db(), row.municipality_id, services().clock.today())
    texts = {i.uid: f"{item_text(i)} – {i.agreement.registration_number} {i.agreement.organisation}".strip()
             for i in found.items}
    case_url = url_for("cases.show", case_id=0, _external=True)[:-1] + "{case_id}"
    body = calendar_feed.ics(found, texts, case_url, f"{translate('upcoming.title')} – {municipality.name}",
                             services().clock.now(), request.host.split(":")[0] or "iop")
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response
