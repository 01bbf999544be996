"""The officer's page for starting a case on the municipality's behalf: /cases/new/."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.kungsbacka import steps
from tests.web.pages import Browser, text_of

URL = "/cases/new/"


def _as(client: FlaskClient, username: str) -> Browser:
    browser = Browser(client)
    browser.login(username)
    return browser


def test_officer_starts_a_case_for_an_organisation(client: FlaskClient, kb_people: Any) -> None:
    browser = _as(client, "kb_officer")
    text = text_of(browser.get(URL))
    assert "Starta ett ärende för en organisation" in text and "Kungsbacka kommun" in text
    resp = browser.post(URL, {"organisation": steps.ORG, "process": steps.PROCESS})
    assert resp.status_code == 302, text_of(resp.get_data(as_text=True))[:500]
    task_page = text_of(client.get(resp.headers["Location"], follow_redirects=True).get_data(as_text=True))
    assert "Beskriv kommunens initiativ" in task_page and "Föreningen Gemenskap" in task_page


def test_bad_input_is_named(client: FlaskClient, kb_people: Any) -> None:
    browser = _as(client, "kb_officer")
    for number, message in (("", "Skriv organisationsnumret."), ("12345", "inte giltigt"),
                            ("802400-0006", "inte giltigt"), ("802479-0001", "ingen registrerad organisation"),
                            ("x" * 5000, "inte giltigt")):
        resp = browser.post(URL, {"organisation": number, "process": steps.PROCESS})
        assert resp.status_code == 422, number
        assert message in text_of(resp.get_data(as_text=True)), (number, text_of(resp.get_data(as_text=True))[:600])
    resp = browser.post(URL, {"organisation": steps.ORG, "process": "stenungsund_agreement"})
    assert resp.status_code == 422 and "Välj en av kommunens processer." in resp.get_data(as_text=True)


def test_only_officers_may_open_it(client: FlaskClient, kb_people: Any) -> None:
    for username in ("org_a", "kb_lawyer", "kb_board", "kb_finance"):
        browser = _as(client, username)
        browser.get(URL, status=403)
        assert client.post(URL, data={"organisation": steps.ORG}).status_code in (400, 403), username


def test_the_organisation_reads_in_its_portal_why_the_case_stopped(client: FlaskClient, services: Any,
                                                                   kb_people: Any) -> None:
    case_id = steps.start_by_organisation(services)
    steps.to_criteria(services, case_id)
    steps.complete(services, case_id, "criteria", steps.CRITERIA_MET, "kb_officer")
    failed = {**steps.PREREQUISITES_MET, "pre_state_aid": False,
              "pre_state_aid_reason": "Stödet skulle överstiga taket för stöd av mindre betydelse."}
    steps.complete(services, case_id, "legal_review", failed, "kb_lawyer")
    text = text_of(_as(client, "org_a").get("/portal/"))
    assert "En allmän grundförutsättning för IOP är inte uppfylld" in text, text
    assert "förenligt med EU:s statsstödsregler" in text and "överstiga taket" in text, text
    _as(client, "org_b").get(f"/cases/{case_id}", status=404)  # another organisation: not even that it exists
