"""Stenungsund's agreement walked through the pages only, as the organisation, the officer, the board and
finance, with axe-core on every page (tests/browser/walker.py: forms filled by visible label text).

Time moves on the injected manual clock: `steps.advance` sets the app's clock and runs the real timer
sweep (no sleeping). Everything a person does goes through the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.domain.accounts import add_user
from app.models import User
from app.services import Services
from tests.browser.walker import Person
from tests.conftest import ORG_B, PASSWORD
from tests.stenungsund import steps

pytestmark = pytest.mark.browser
YES, NO = "Ja", "Nej"

INTEREST = {
    "Organisationens namn": "Föreningen Gemenskap", "Organisationsnummer": "802400-0005",
    "Organisationsform": "Ideell förening", "Verksamhetens namn": "Skyddat boende och stödsamtal",
    "Beskriv verksamheten och samhällsutmaningen": "Jour, stödsamtal och skyddat boende.",
    "Verksamhetsområde": "Individ- och familjeomsorg",
    **{legend: YES for legend in (
        "Verksamheten sker på initiativ", "Verksamheten förverkligar Vision 2035", "Verksamheten är inte en del",
        "Det finns ingen marknad", "Båda parterna finansierar", "Verksamheten detaljregleras inte",
        "Verksamheten avses drivas", "Verksamheten bidrar till lokal utveckling", "Organisationen förblir en fri",
        "Verksamheten följer socialtjänstlagens")},
    "Kontaktperson": "Karin Ek", "Kontaktpersonens e-post": "karin@example.org",
}
DIALOGUE = {"Mötesdatum": "2025-09-01", "Deltagare": "Karin Ek, handläggare", "Gemensam målbild": "Trygghet",
            "Värdegrund": "Socialtjänstlagens värderingar", "Syfte med överenskommelsen": "Stöd till våldsutsatta",
            "Minnesanteckningar": "Vi enades om målbilden.", "Är dialogen klar": YES}
PLAN = {"Kommunens ekonomiska stöd per år": 400000, "Avtalsperioden börjar": "2026-01-01", "Avtalstid": 2,
        "Organisationens egna medel per år": 50000, "Volontärtimmar per år": 1200,
        "Värde per volontärtimme": 250,
        "Ytterligare idéburna parter": [{"Namn": "Stödcentrum", "Organisationsnummer": ORG_B}],
        "Statistik som organisationen redovisar": ["individkontakter", "unika personer"],
        "Återbetalning om verksamheten förändras eller upphör": "Outnyttjad del av utbetalt stöd"}
SUITABLE = {"Kapacitet att genomföra avtalet": "God", "Bidrag till lokal utveckling": "Stark",
            "Tillvaratagande av egen kompetens": "Volontärer", "Hur resultat och erfarenheter": "Årlig rapport",
            "Nytänkande inom samarbetsområdet": "Nya metoder", "Är det önskvärt med flera parter": YES,
            "Är organisationen lämplig": YES, "Återkoppling till organisationen": "Lämplig."}
DECISION = {"Beslutar kommunstyrelsen att ingå": YES, "Beslutsdatum": "2025-11-20", "Protokollsparagraf": "KS § 123",
            "Utbetalningsintervall": "En gång per år"}
REPORT = {"Skriftlig beskrivning av verksamheten": "Ett bra år med många samtal.",
          "Statistik enligt överenskommelsen": {"individkontakter": 340, "unika personer": 85}}


@pytest.fixture
def stenungsund_staff(services: Services, people: dict[str, User]) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund")
        add_user(s, services.clock, "st_finance", PASSWORD, "finance", municipality="stenungsund")


@pytest.fixture
def person(page: Any, live_server: str, axe: Any, stenungsund_staff: None) -> Callable[[str], Person]:
    made: dict[str, Person] = {}

    def get(username: str) -> Person:
        if username not in made:
            made[username] = Person(page.context.browser, live_server, username, PASSWORD, check=axe)
            made[username].log_in()
        return made[username]

    return get


def _agreement_page(who: Person, case_id: int, stage: str) -> str:
    return who.goto(f"/cases/{case_id}/agreement", f"agreement-{stage}")


def _pay(finance: Person, day: str, ref: str) -> None:
    finance.do_task("Genomför utbetalning", {"Utbetalningsdag": day, "Verifikation": ref})


def _follow_up(org: Person, officer: Person, day: str, approved: bool = True) -> None:
    org.do_task("Lämna redogörelse för året", REPORT)
    officer.do_task("Uppföljningsdialog och godkännande", {
        "Datum för uppföljningsdialog": day, "Godkänns redogörelsen?": YES if approved else NO,
        "Återkoppling till organisationen": "Godkänd." if approved else "Balansräkning saknas."})


@pytest.mark.xfail(strict=False, reason="waiting for the form renderer (list rows, named numbers) and the "
                   "agreement page /cases/<id>/agreement")
def test_one_agreement_from_interest_to_the_second_period(services: Services,
                                                          person: Callable[[str], Person]) -> None:
    services.clock.set(steps.midnight("2025-09-01"))  # type: ignore[attr-defined]
    org, officer = person("org_a"), person("other_officer")
    board, finance = person("st_board"), person("st_finance")
    org.goto("/portal/new", "portal-start")
    org.fill({"Välj kommun": "Stenungsunds kommun"})
    org.click("Starta initiativet")
    org.look("interest")
    org.fill(INTEREST)
    org.submit()
    case_id = int(org.page.locator("main a[href*='/cases/']").first.get_attribute("href").rsplit("/", 1)[1])
    officer.do_task("Dialogmöte om målbild, värdegrund och syfte", DIALOGUE)
    officer.do_task("Lägg upp ekonomisk plan", PLAN)
    org.do_task("Lämna in handlingar", {"Antal medlemmar": 120})
    officer.do_task("Registrera mottagna handlingar", {})
    officer.do_task("Lämplighetsbedömning", SUITABLE)
    board.do_task("Kommunstyrelsen beslutar om överenskommelsen", DECISION)
    text = _agreement_page(officer, case_id, "decided")
    for shown in ("Stödcentrum", "400 000 kr", "individkontakter", "KS § 123"):
        assert shown in text, shown
    assert "Stödcentrum" in _agreement_page(person("org_b"), case_id, "second-party")

    steps.advance(services, "2026-01-01")
    _pay(finance, "2026-01-02", "VER-1")
    assert "Utbetald" in _agreement_page(finance, case_id, "first-paid")
    steps.advance(services, "2026-11-01")  # the follow-up opens; the organisation does not report in time
    steps.advance(services, "2027-01-01")  # payment day: held, officer told
    text = _agreement_page(officer, case_id, "held")
    assert "Innehållen" in text or "innehållen" in text
    officer.do_task("Utbetalning innehållen: följ upp redogörelsen", {"Vad har gjorts?": "Ringde föreningen."})
    _follow_up(org, officer, "2027-01-10")
    _pay(finance, "2027-01-12", "VER-2")
    steps.advance(services, "2027-03-31")  # nine months before 2027-12-31
    officer.do_task("Dialog om ny och reviderad överenskommelse", {
        "Mötesdatum": "2027-04-10", "Deltagare": "Båda", "Minnesanteckningar": "Vi fortsätter.",
        "Avstår någon part från att förlänga?": "Nej, vi föreslår en ny överenskommelse"})
    board.do_task("Kommunstyrelsen beslutar om ny avtalsperiod", {
        "Beslutar kommunstyrelsen om en ny avtalsperiod?": YES, "Beslutsdatum": "2027-05-20",
        "Protokollsparagraf": "KS § 77", "Kommunens stöd per år i den nya perioden": 450000,
        "Ny avtalstid": 3, "Utbetalningsintervall": "En gång per år"})
    steps.advance(services, "2027-11-01")
    _follow_up(org, officer, "2027-11-20")
    steps.advance(services, "2028-01-01")  # the second period starts
    _pay(finance, "2028-01-02", "VER-3")
    text = _agreement_page(org, case_id, "second-period")
    for shown in ("KS § 77", "450 000 kr", "2028"):
        assert shown in text, shown


@pytest.mark.xfail(strict=False, reason="waiting for early termination /cases/<id>/agreement/terminate, the "
                   "finance page /finance/payments and the agreement page")
def test_second_agreement_ended_early_with_repayment(services: Services,
                                                     person: Callable[[str], Person]) -> None:
    case_id = steps.to_decision(services)  # prepared as in the first walk; the pages take over from here
    org, officer, finance = person("org_a"), person("other_officer"), person("st_finance")
    steps.advance(services, "2026-01-01")
    finance.goto("/finance/payments", "finance-payments")
    _pay(finance, "2026-01-02", "VER-10")
    steps.advance(services, "2026-06-01")
    officer.goto(f"/cases/{case_id}/agreement/terminate", "terminate")
    officer.fill({"Skäl": "Verksamheten upphör.", "Datum": "2026-07-01"})
    officer.submit("Avsluta överenskommelsen", "terminated")
    claim = round(400000 * 184 / 365)  # 2026-07-01..2026-12-31 of the paid year
    text = _agreement_page(org, case_id, "terminated")
    assert "Återbetalning" in text or "återbetalning" in text
    finance.do_task("Registrera återbetalning", {"Mottaget belopp": claim, "Mottaget datum": "2026-08-01"})
    assert "reglerad" in _agreement_page(finance, case_id, "settled").casefold()
