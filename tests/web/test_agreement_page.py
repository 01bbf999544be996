"""/cases/<id>/agreement: the agreement of a case for staff and every party organisation, and the case page's
current step while a running agreement waits (issue 10)."""

from __future__ import annotations

from typing import Any

from app.domain.accounts import add_organisation, add_user
from app.services import Services
from tests.conftest import ORG_B, PASSWORD
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of

OTHER_PARTY = "802481-0007"
PLAN: dict[str, Any] = dict(steps.PLAN, parties=[{"name": "Stödcentrum", "org_number": ORG_B}])


def _people(services: Services) -> None:
    with services.unit_of_work() as s:
        add_organisation(s, services.clock, "Utomstående", OTHER_PARTY, "x@example.org")
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund")
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund")
        add_user(s, services.clock, "outsider", PASSWORD, "organisation", organisation=OTHER_PARTY)


def _running(services: Services) -> int:
    case_id = steps.to_decision(services, plan=PLAN)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    _people(services)
    return case_id


def test_officer_sees_plan_payments_follow_ups_and_timeline(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    browser.login("st_officer")
    html = browser.get(f"/cases/{case_id}/agreement")
    text = text_of(html)
    assert "400\xa0000\xa0kr" in html and "2\xa0000\xa0000\xa0kr" in html  # per year and in total
    assert "Stödcentrum" in text and ORG_B in text  # the second party
    assert "50\xa0000\xa0kr" in html and "300\xa0000\xa0kr" in html  # own funds; 1 200 h × 250 kr
    assert "1 januari 2026" in text and "31 december 2030" in text
    assert "Utbetald" in text and "Planerad" in text
    assert "Dialog om förnyelse" in text and "Sista dag för beslut" in text
    assert "<svg" in html and 'aria-hidden="true"' in html and "<caption" in html and 'scope="row"' in html
    assert f'href="/cases/{case_id}/agreement/terminate"' in html
    assert "Avsluta överenskommelsen i förtid" in text


def test_print_stylesheet_hides_navigation(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    browser.login("st_officer")
    browser.get(f"/cases/{case_id}/agreement")
    css = browser.get("/assets/style.css")
    assert "@media print" in css and ".no-print" in css.split("/* --- Agreement page and submitted answers")[-1]


def test_access(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    url = f"/cases/{case_id}/agreement"
    for name in ("org_a", "org_b", "st_board", "admin"):  # own organisation, party, any staff role, admin
        browser.login(name)
        assert "Utbetalningsplan" in text_of(browser.get(url)), name
    browser.login("org_b")
    assert "/agreement/terminate" not in browser.get(url)  # the parties cannot end it
    browser.login("st_board")
    assert "/agreement/terminate" not in browser.get(url)  # nor can the board from here
    for name in ("outsider", "officer"):  # another organisation; staff of another municipality
        browser.login(name)
        browser.get(url, status=404)
    browser.login("st_officer")
    browser.get("/cases/999999/agreement", status=404)


def test_case_page_says_what_the_agreement_waits_for(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    browser.login("st_officer")
    html = browser.get(f"/cases/{case_id}")
    assert "Nuvarande steg Uppföljning år 1 öppnar 1 november 2026" in text_of(html)
    assert f'href="/cases/{case_id}/agreement"' in html
    steps.advance(services, "2026-11-01")
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.APPROVE)
    assert "Nuvarande steg Väntar på utbetalning 2 den 1 januari 2027" in text_of(browser.get(f"/cases/{case_id}"))
    agreement = text_of(browser.get(f"/cases/{case_id}/agreement"))
    assert "Godkänd" in agreement and "Redogörelse " in agreement and "Beslut " in agreement


def test_held_payment_says_why(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    steps.advance(services, "2026-11-01")
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.RETURN)  # returned: year 1 is not approved
    steps.advance(services, "2027-01-01")
    browser.login("org_a")
    text = text_of(browser.get(f"/cases/{case_id}/agreement"))
    assert "Innehållen: redogörelsen för år 1 är inte godkänd" in text
    assert "Utbetalning 2 innehålls tills redogörelsen för år 1 är godkänd" in text  # the next step
    assert "Beslut 1 november 2026" in text  # the returning decision is linked
