"""/cases/<id>/agreement: the agreement of a case for staff and every party organisation, and the case page's
current step while a running agreement waits (issue 10)."""

from __future__ import annotations

from typing import Any

from app.domain.accounts import add_organisation, add_user
from app.services import Services
from tests.conftest import ORG_B, PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of

OTHER_PARTY = "802481-0007"
PLAN: dict[str, Any] = dict(steps.PLAN, parties=[{"name": "Stödcentrum", "org_number": ORG_B}])


def _people(services: Services) -> None:
    with services.unit_of_work() as s:
        add_organisation(s, services.clock, "Utomstående", OTHER_PARTY, "x@example.org")
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "outsider", PASSWORD, "organisation", organisation=OTHER_PARTY,
                 password_hash=PASSWORD_HASH)


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


def test_next_step_names_a_released_payment_waiting_for_finance(services: Services, browser: Browser) -> None:
    case_id = steps.to_decision(services, plan=PLAN)
    steps.advance(services, "2026-01-01")  # payment 1 is released: finance has a pay task
    _people(services)
    browser.login("org_b")
    text = text_of(browser.get(f"/cases/{case_id}/agreement"))
    assert "Nästa steg Utbetalning 1 (400 000 kr) väntar på att ekonomi betalar; Uppföljning år 1 öppnar " \
           "1 november 2026" in text
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    text = text_of(browser.get(f"/cases/{case_id}/agreement"))
    assert "väntar på att ekonomi betalar" not in text and "Nästa steg Uppföljning år 1 öppnar" in text


ONE_YEAR: dict[str, Any] = dict(PLAN, period_start="2026-01-01", period_years=1)  # dialogue 31 March 2026


def test_renewal_dialogue_then_the_decided_next_period(services: Services, browser: Browser) -> None:
    case_id = steps.to_decision(services, plan=ONE_YEAR)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    _people(services)
    browser.login("st_officer")
    url = f"/cases/{case_id}/agreement"
    assert "Förnyelsedialogen" not in text_of(browser.get(url))
    steps.advance(services, "2026-03-31")
    text = text_of(browser.get(url))
    assert "Nästa steg Förnyelsedialogen pågår, beslut senast 30 september 2026; Uppföljning år 1 öppnar" in text
    assert "Period 2" not in text
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-06-01", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    assert "Förnyelsedialogen pågår" in text_of(browser.get(url))  # the board's decision is still ahead
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": True, "renewal_decision_date": "2026-09-01", "renewal_minute_reference": "KS § 99",
        "renewal_yearly_support_sek": 420000, "renewal_years": 2, "renewal_interval": "yearly"})
    text = text_of(browser.get(url))
    assert "Förnyelsedialogen pågår" not in text
    assert "Period 2 (KS § 99) beslutad, börjar 1 januari 2027 1 januari 2027 31 december 2028 420 000 kr " \
           "840 000 kr" in text
    assert steps.agreement(services, case_id).current_version == 1  # the period itself is made when it starts


def test_a_declined_renewal_is_told(services: Services, browser: Browser) -> None:
    case_id = steps.to_decision(services, plan=ONE_YEAR)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-06-01", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": False, "renewal_decision_date": "2026-09-01", "renewal_minute_reference": "KS § 99"})
    _people(services)
    browser.login("org_a")
    text = text_of(browser.get(f"/cases/{case_id}/agreement"))
    assert "Kommunstyrelsen beslutade 1 september 2026 att inte förnya överenskommelsen. Den slutar " \
           "31 december 2026." in text
    assert "Period 2" not in text


def test_the_statistics_the_agreement_names(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    browser.login("org_a")
    html = browser.get(f"/cases/{case_id}/agreement")
    text = text_of(html)
    assert "Statistik som ska redovisas Statistik som ska redovisas Statistik Enhet individkontakter – " \
           "unika personer –" in text  # old plain strings: no unit
    plan = dict(PLAN, statistics=[{"label": "deltagare i arbetsträning", "unit": "personer"},
                                  {"label": "unika besökare", "unit": "besökare"}])
    other = steps.to_decision(services, plan=plan, today="2026-01-01")
    text = text_of(browser.get(f"/cases/{other}/agreement"))
    assert "Statistik Enhet deltagare i arbetsträning personer unika besökare besökare" in text


def test_timeline_after_an_early_end_leaves_out_what_no_longer_applies(services: Services,
                                                                        browser: Browser) -> None:
    case_id = _running(services)
    browser.login("st_officer")
    url = f"/cases/{case_id}/agreement"
    before = browser.get(url)
    assert 'class="renewal"' in before and "Inte aktuellt efter avslut" not in before
    steps.advance(services, "2026-06-01")
    steps.terminate(services, case_id, "2026-06-01", "Verksamheten upphör.")
    html = browser.get(url)
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'class="renewal"' not in svg and 'class="deadline' not in svg  # no renewal after the end
    assert 'class="pay-paid"' in svg  # what was paid keeps its colour
    assert svg.count('class="pay-cancelled void"') == 4  # 2027..2030 are drawn muted
    assert 'class="fu-cancelled void"' in svg
    assert "Inte aktuellt efter avslut" in text_of(html)


def test_second_party_finds_the_agreement_on_its_portal(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    link = f'href="/cases/{case_id}/agreement"'
    browser.login("org_b")  # named among the parties, did not start the case
    portal = browser.get("/portal/")
    assert "Överenskommelser där ni är part" in text_of(portal) and link in portal
    assert "Ni har inga egna ärenden ännu." in text_of(portal)  # its own cases: none, but it is a party
    assert "Utbetalningsplan" in text_of(browser.get(f"/cases/{case_id}/agreement"))
    browser.login("org_a")  # the case's own organisation: the link on its case card
    portal = browser.get("/portal/")
    assert link in portal and "Överenskommelser där ni är part" not in text_of(portal)
    browser.login("outsider")
    portal = browser.get("/portal/")
    assert link not in portal and "Överenskommelser där ni är part" not in text_of(portal)
    assert "Ni har inga ärenden ännu." in text_of(portal)
    browser.get(f"/cases/{case_id}/agreement", status=404)
