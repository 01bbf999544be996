"""The iCalendar feed of upcoming agreement dates, behind a personal secret URL.

`create_link` makes a new random token for a user (replacing any earlier one, which then stops working)
and returns it; only its SHA-256 is stored. `feed_for` finds the feed row of a token, or None. `ics` renders
the dated items of app/queries/upcoming.py as all-day events whose UIDs stay the same from one fetch to
the next (kind, case and record), so a calendar program updates events instead of adding copies.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import Membership, User
from app.models.calendar_feed import CalendarFeed
from app.queries.upcoming import Upcoming


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create_link(session: Session, user: User, municipality_id: int, now: datetime) -> str:
    session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    token = secrets.token_urlsafe(32)
    session.add(CalendarFeed(user_id=user.id, municipality_id=municipality_id, token_hash=_digest(token),
                             created_at=now))
    return token


def remove_link(session: Session, user: User) -> None:
    session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))


def link_of(session: Session, user: User) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_for(session: Session, token: str, roles: tuple[str, ...]) -> CalendarFeed | None:
    """The feed of a token whose user is still active and still holds, in the feed's municipality, a role that
    may see upcoming work: their own role and municipality or a further membership (app.domain.memberships; a
    link made while acting through one keeps working while the person holds it). An administrator of the
    installation (no municipality) may follow any municipality's."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token)))
    if row is None:
        return None
    owner = session.get(User, row.user_id)
    if owner is None or not owner.active:
        return None
    if owner.role in roles and owner.municipality_id in (None, row.municipality_id):
        return row
    held = session.scalar(select(Membership.id).where(Membership.user_id == owner.id,
                                                      Membership.municipality_id == row.municipality_id,
                                                      Membership.role.in_(roles)).limit(1))
    return row if held is not None else None


def ics(found: Upcoming, texts: dict[str, str], case_url: str, name: str, now: datetime, host: str) -> bytes:
    """`texts` maps an item's uid to its summary; `case_url` has a {case_id} placeholder."""
    cal = Calendar()
    cal.add("prodid", "-//IOP-portalen//Kommande i avtalen//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for item in found.items:
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", texts[item.uid])
        event.add("url", case_url.format(case_id=item.agreement.case_id))
        event.add("description", f"{item.agreement.registration_number} {item.agreement.organisation}".strip())
        cal.add_component(event)
    return bytes(cal.to_ical())
