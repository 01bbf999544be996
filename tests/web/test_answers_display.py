"""Submitted answers as a person reads them: statistics and object lists as tables, SEK the Swedish way,
dates in words, links to uploaded statements, titles from the form (issue 10)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.domain import attachments
from app.domain.accounts import add_user
from app.models import Case, OpenTask
from app.services import Services
from app.web.formatting import day, number, sek
from app.web.pages.answers import describe
from tests.conftest import ORG_B, PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of

PLAN = dict(steps.PLAN, parties=[{"name": "Stödcentrum", "org_number": ORG_B}])


def test_formatting_helpers() -> None:
    assert sek(300000) == "300\xa0000\xa0kr" and sek("1234.5") == "1\xa0234,50\xa0kr"
    assert number(1200) == "1\xa0200" and day("2027-07-01") == "1 juli 2027"
    assert day("2026-12-31T23:30:00+00:00") == "1 januari 2027"  # Stockholm time
    assert day(None) == "–" and sek("abc") == "abc"


def _reviewing(services: Services) -> tuple[int, int]:
    case_id = steps.to_decision(services, plan=PLAN)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        row = attachments.store_upload(s, services.clock, case, None, "income_statement",
                                       attachments.Upload("resultat.pdf", b"%PDF-1.4\n%%EOF\n"))
        s.flush()
        ref = attachments.reference(row)
        file_id = row.id
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    steps.complete(services, case_id, "report", dict(steps.REPORT, income_statement=[ref]))
    return case_id, file_id


def test_review_task_shows_statistics_table_and_file_links(services: Services, browser: Browser) -> None:
    case_id, file_id = _reviewing(services)
    with services.unit_of_work() as s:
        task = s.scalars(select(OpenTask).where(OpenTask.case_id == case_id, OpenTask.name == "review")).one()
        task_id = task.id
    browser.login("st_officer")
    html = browser.get(f"/tasks/{task_id}")
    assert '<th scope="row">individkontakter</th><td>340</td>' in html
    assert '<th scope="row">unika personer</th><td>85</td>' in html
    assert f'href="/cases/{case_id}/files/{file_id}">resultat.pdf</a>' in html
    assert "Statistik enligt överenskommelsen" in html and "{'" not in html and "statistics_values" not in html


def test_case_history_shows_amounts_dates_and_parties(services: Services, browser: Browser) -> None:
    case_id, _ = _reviewing(services)
    browser.login("st_officer")
    html = browser.get(f"/cases/{case_id}")
    text = text_of(html)
    assert "Kommunens ekonomiska stöd per år (kr) 400 000 kr" in text
    assert "Värde per volontärtimme (kr) 250 kr" in text
    assert "Volontärtimmar per år 1 200" in text
    assert "Avtalsperioden börjar 1 januari 2026" in text
    assert '<th scope="col">Namn</th><th scope="col">Organisationsnummer</th>' in html  # titles from items
    assert f'<th scope="row">Stödcentrum</th><td>{ORG_B}</td>' in html
    assert "400\xa0000\xa0kr" in html and "{'" not in html and "yearly_support_sek" not in html


def test_statistic_units_and_nested_objects(app: Flask) -> None:
    schema = {"properties": {
        "statistics_values": {"type": "object", "title": "Statistik", "additionalProperties": {"type": "integer"}},
        "contact": {"type": "object", "title": "Kontakt", "properties": {
            "name": {"type": "string", "title": "Namn"}, "budget": {"type": "integer", "x-unit": "SEK"}}}}}
    with app.test_request_context("/"):
        stats, contact = describe(schema, {"statistics_values": {"besök": 1500},
                                           "contact": {"name": "Karin", "budget": 25000}}, {"besök": "personer"})
    assert stats.kind == "table" and stats.rows == [["besök", "1\xa0500", "personer"]]
    assert contact.kind == "pairs" and contact.pairs == [("Namn", "Karin"), ("budget", "25\xa0000\xa0kr")]
