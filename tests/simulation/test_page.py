"""The simulation page: who may open it, the form, server-side validation and the result."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.models import Case
from app.services import Services
from tests.web.pages import Browser, text_of

URL = "/simulation/"
GOOD = {"municipality": "stenungsund", "yearly_amount_sek": "120000", "start": "2028-02-29", "years": "1",
        "interval": "quarterly"}


def test_process_owner_runs_a_simulation(client: FlaskClient, people: Any, services: Services) -> None:
    browser = Browser(client)
    browser.login("owner")
    page = browser.get(URL)
    assert 'name="csrf_token"' in page and 'name="yearly_amount_sek"' in page
    assert 'href="/simulation/"' in page  # the nav link
    resp = browser.post(URL, {**GOOD, "late_follow_up": "on"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "<svg" in html and 'role="img"' in html
    assert "2028-02-29 Utbetalning frisläppt 30 000 kr" in text
    assert "Överenskommelsen avslutad" in text
    assert 'value="120000"' in html and 'id="sim-late_follow_up" name="late_follow_up" value="on" checked' in html
    with services.unit_of_work() as s:  # the simulation ran elsewhere
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_bad_options_give_field_messages_and_keep_the_input(client: FlaskClient, people: Any) -> None:
    browser = Browser(client)
    browser.login("officer")
    resp = browser.post(URL, {**GOOD, "years": "9", "start": "2028-02-30", "yearly_amount_sek": "mycket"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "Det finns fel i formuläret" in text
    assert "Avtalstiden ska vara mellan 1 och 5 år." in text
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in text
    assert "Skriv ett heltal" in text
    assert 'value="9"' in html and 'value="2028-02-30"' in html and 'value="mycket"' in html
    assert 'id="sim-years-error"' in html and 'aria-invalid="true"' in html
    assert "<svg" not in html


def test_english(client: FlaskClient, people: Any) -> None:
    browser = Browser(client)
    browser.login("admin")
    page = browser.get(URL + "?lang=en")
    assert "Simulate an agreement" in page and "Once a quarter" in page


def test_access(client: FlaskClient, people: Any) -> None:
    assert client.get(URL).status_code == 302  # to the log-in page
    browser = Browser(client)
    browser.login("org_a")
    assert client.get(URL).status_code == 403
    browser.login("finance")
    assert client.get(URL).status_code == 403


def test_post_without_csrf_is_refused(client: FlaskClient, people: Any) -> None:
    Browser(client).login("owner")
    assert client.post(URL, data=GOOD).status_code == 400
