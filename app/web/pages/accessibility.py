"""The accessibility statement at /tillganglighet, in the form Swedish public bodies publish it.

Law (2018:1937) on accessibility of digital public services asks every public body to publish a statement
for each service; the Agency for Digital Government (DIGG) gives its structure: who stands behind the
service, how accessible it is, what to do when something cannot be used, how to report a shortcoming,
supervision, the technical conformance with its known shortcomings, and how the service was assessed. It
is public (no log-in) and linked from the footer of every page.

Who stands behind it: the municipalities of this installation (from the database). Where to turn:
IOP_ACCESSIBILITY_CONTACT (an e-mail address or a telephone number) when the operator sets it, else one's
own municipality. The dates are those of the statement's last review, not the clock's: they change when
the text does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.lists import format_list
from flask import Blueprint, render_template
from sqlalchemy import select

from app.models import Municipality
from app.web.context import db, services
from app.web.pages.common import lang

bp = Blueprint("accessibility", __name__)

ASSESSED = date(2026, 12, 7)  # the last self-assessment (axe-core in the browser tests, and by hand)
REVIEWED = date(2026, 12, 7)  # the statement's text last reviewed
SUPERVISION_URL = "https://www.digg.se/tdosanmalan"  # DIGG's form for reporting a public body's shortcomings
# the known shortcomings, each with its WCAG 2.1 success criterion (texts: a11y.gap.<key>.*)
GAPS: list[tuple[str, str]] = [("modeller", "2.1.1"), ("documents", "1.1.1")]


@bp.get("/tillganglighet")
def statement() -> Any:
    names = list(db().scalars(select(Municipality.name).order_by(Municipality.name)))
    contact = services().settings.accessibility_contact.strip()
    publishers = format_list(names, locale="sv_SE" if lang() == "sv" else "en_GB") if names else ""
    return render_template("about/accessibility.html", publishers=publishers, contact=contact,
                           contact_is_mail="@" in contact, assessed=ASSESSED, reviewed=REVIEWED,
                           supervision_url=SUPERVISION_URL, gaps=GAPS)
