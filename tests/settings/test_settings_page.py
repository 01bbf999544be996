"""/admin/settings: the municipality's administrator edits its settings; a wrong value is named and the form keeps
what was written; each change is listed (who, when, before and after); another municipality's is not reachable."""

from __future__ import annotations

from typing import Any

from app.services import Services
from tests.web.pages import Browser, text_of

URL = "/admin/settings/"


def _form(html: str) -> dict[str, str]:
    """The form's current values, as the browser would send them back."""
    import re

    values = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" type="text"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        values[name] = re.search(r'<option value="([^"]+)" selected', body).group(1)  # type: ignore[union-attr]
    return values


def test_the_administrator_changes_a_setting_and_the_change_is_listed(browser: Browser, services: Services) -> None:
    browser.login("st_admin")
    page = browser.get(URL)
    assert "Kommunens inställningar – Stenungsunds kommun" in text_of(page) and 'name="csrf_token"' in page
    form = _form(page)
    assert form["renewal_dialogue_months_before_end"] == "9" and form["default_payment_interval"] == "yearly"
    assert "retention_years.stenungsund_agreement" in form
    saved = browser.post(URL, dict(form, renewal_dialogue_months_before_end="6", default_repayment_rule="none"))
    assert saved.status_code == 303
    after = browser.get(saved.headers["Location"])
    text = text_of(after)
    assert "Inställningarna är sparade." in text
    assert _form(after)["renewal_dialogue_months_before_end"] == "6"
    assert "Sara Admin" in text and "Förnyelsedialogen öppnar, månader före avtalets slut 9 6" in text
    assert "Outnyttjad del av utbetalt stöd Ingen återbetalning" in text
    assert services.clock.now().astimezone(services.clock.tz).strftime("%Y-%m-%d") in text


def test_wrong_values_are_named_and_the_form_keeps_them(browser: Browser) -> None:
    browser.login("st_admin")
    form = _form(browser.get(URL))
    refused = browser.post(URL, dict(form, max_agreement_years="elva", payment_overdue_days="0",
                                     renewal_dialogue_months_before_end="7", guidelines_review_on="13-01",
                                     **{"retention_years.stenungsund_agreement": "x"}))
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    text = text_of(html)
    assert "<title>Fel: Kommunens inställningar" in html
    assert "Längsta avtalstid, år: Skriv ett heltal mellan 1 och 10." in text
    assert "Dagar innan en utebliven utbetalning eskaleras: Skriv ett heltal mellan 1 och 365." in text
    assert "Dag för översyn av riktlinjerna: Skriv en dag som MM-DD" in text
    assert "Gallring, år efter avslut: Skriv ett heltal mellan 1 och 100, eller lämna tomt." in text
    kept = _form(html)
    assert (kept["max_agreement_years"], kept["renewal_dialogue_months_before_end"], kept["guidelines_review_on"]) == (
        "elva", "7", "13-01")
    assert 'aria-invalid="true"' in html and 'href="#setting-max_agreement_years"' in html
    assert _form(browser.get(URL))["renewal_dialogue_months_before_end"] == "9"  # nothing was stored
    assert "Inga ändringar har gjorts här ännu." in text_of(browser.get(URL))

    crossed = browser.post(URL, dict(form, renewal_dialogue_months_before_end="2"))
    assert crossed.status_code == 400
    assert "minst lika många månader som sista dag för beslut om förnyelse" in text_of(crossed.get_data(as_text=True))


def test_an_administrator_edits_only_their_own_municipality(browser: Browser, client: Any) -> None:
    browser.login("fa_admin")
    assert "Falu kommun" in text_of(browser.get(URL))
    browser.get(URL + "?municipality=stenungsund", status=404)
    form = _form(browser.get(URL))
    assert browser.post(URL, dict(form, municipality="stenungsund", max_agreement_years="3")).status_code == 404
    browser.login("st_owner")
    assert browser.client.get(URL).status_code == 403
    browser.login("admin")  # the installation's administrator chooses
    assert 'name="municipality"' in browser.get(URL)
    assert "Stenungsunds kommun" in text_of(browser.get(URL + "?municipality=stenungsund"))
    browser.get(URL + "?municipality=nowhere", status=404)


def test_saving_the_form_unchanged_records_nothing(browser: Browser) -> None:
    browser.login("st_admin")
    page = browser.get(URL)
    assert "IOP i Stenungsund" in text_of(page)  # the retention field is labelled with the process's name
    assert browser.post(URL, _form(page)).status_code == 303
    assert "Inga ändringar har gjorts här ännu." in text_of(browser.get(URL))
    kept = browser.post(URL, dict(_form(page), **{"retention_years.stenungsund_agreement": "10"}))
    assert kept.status_code == 303
    assert "Gallring, år efter avslut – stenungsund_agreement: 10" in text_of(browser.get(URL))
