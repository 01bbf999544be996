"""The personal iCalendar feed: all-day events with stable UIDs, a new link replaces the old, wrong tokens 404."""

from __future__ import annotations

import re
from datetime import date

from icalendar import Calendar

from app.domain.accounts import add_user
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.web.pages import Browser

_LINK = re.compile(r'value="https?://[^/"]+(/calendar/[^"]+\.ics)"')


def _new_link(browser: Browser) -> str:
    resp = browser.post("/agreements/upcoming/calendar-link", page="/agreements/upcoming")
    assert resp.status_code == 200
    found = _LINK.search(resp.get_data(as_text=True))
    assert found, "no feed link shown"
    return found.group(1)


def test_feed_events_rotation_and_wrong_token(services: Services, browser: Browser) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-03-01")
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_finance", PASSWORD, "finance", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    browser.login("st_finance")
    link = _new_link(browser)
    browser.logout()
    resp = browser.client.get(link)  # no log-in: the calendar program
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    events = Calendar.from_ical(resp.get_data()).walk("VEVENT")
    by_day = {(e.decoded("dtstart"), str(e["summary"]).split(" – ")[0]): e for e in events}
    pay = by_day[(date(2027, 1, 1), "Utbetalning 400\u00a0000\u00a0kr planeras")]
    assert pay.decoded("dtend") == date(2027, 1, 2) and str(pay["url"]).endswith(f"/cases/{case_id}")
    assert (date(2026, 11, 1), "Uppföljning av år 1 öppnar") in by_day
    assert (date(2026, 12, 1), "Sista dag för uppföljningen av år 1") in by_day
    uids = sorted(str(e["uid"]) for e in events)
    assert len(set(uids)) == len(uids)
    assert sorted(str(e["uid"]) for e in Calendar.from_ical(browser.client.get(link).get_data()).walk("VEVENT")) \
        == uids  # the same UIDs on the next fetch: the calendar updates instead of duplicating
    browser.login("st_finance")
    assert "Du skapade en kalenderlänk" in browser.get("/agreements/upcoming")
    newer = _new_link(browser)
    assert newer != link
    assert browser.client.get(link).status_code == 404  # the old link stops working
    assert browser.client.get(newer).status_code == 200
    assert browser.client.get("/calendar/not-a-token.ics").status_code == 404
    browser.post("/agreements/upcoming/calendar-link/remove", page="/agreements/upcoming")
    assert browser.client.get(newer).status_code == 404


def test_only_staff_of_upcoming_roles_make_links(services: Services, browser: Browser) -> None:
    browser.login("org_a")
    resp = browser.post("/agreements/upcoming/calendar-link", page="/tasks/")
    assert resp.status_code == 403
