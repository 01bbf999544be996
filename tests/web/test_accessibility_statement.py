"""The accessibility statement at /tillganglighet (issue 13): public, in DIGG's sections, naming who stands
behind the service and where to turn, and linked from the footer of every page."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask.testing import FlaskClient

from app.config import Settings
from app.models import User
from tests.web.pages import Browser, text_of

SECTIONS_SV = ["Hur tillgänglig är tjänsten?", "Vad kan du göra om du inte kan använda delar av tjänsten?",
               "Rapportera brister i tjänstens tillgänglighet", "Tillsyn",
               "Teknisk information om tjänstens tillgänglighet", "Innehåll som inte är tillgängligt",
               "Hur vi testat tjänsten"]


def test_the_statement_is_public_in_digg_sections_and_names_the_municipalities(client: FlaskClient) -> None:
    resp = client.get("/tillganglighet")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "Tillgänglighetsredogörelse för IOP-portalen" in text
    assert re.findall(r"<h[23]>([^<]+)</h[23]>", html) == SECTIONS_SV
    # the installation's municipalities stand behind it (from the database)
    assert "Falu kommun, Gävle kommun, Kungsbacka kommun och Stenungsunds kommun står bakom" in text
    assert "delvis förenlig med lagen om tillgänglighet till digital offentlig service" in text
    assert 'href="https://www.digg.se/tdosanmalan"' in html
    assert "framgångskriterium 2.1.1" in text
    # no contact set: one's own municipality
    assert "Kontakta den kommun som du har ditt ärende hos" in text


class TestAContactSet:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return replace(settings, accessibility_contact="tillganglighet@example.se")

    def test_the_operator_sets_the_contact_and_english_is_available(self, client: FlaskClient) -> None:
        html = client.get("/tillganglighet").get_data(as_text=True)
        assert 'href="mailto:tillganglighet@example.se"' in html
        assert "Kontakta den kommun" not in text_of(html)
        english = text_of(client.get("/tillganglighet?lang=en").get_data(as_text=True))
        assert "Accessibility statement for the IOP portal" in english
        assert "partially compliant" in english and "Hur tillgänglig" not in english


def test_every_page_links_the_statement(client: FlaskClient, people: dict[str, User]) -> None:
    browser = Browser(client)
    link = 'href="/tillganglighet"'
    assert link in browser.get("/login")
    for username, url in (("org_a", "/portal/"), ("officer", "/tasks/"), ("admin", "/admin/"),
                          ("officer", "/cases/")):
        browser.login(username)
        assert link in browser.get(url), url
    assert link in browser.get("/cases/999999", status=404)
