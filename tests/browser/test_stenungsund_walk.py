"""Stenungsund's agreement walked through the pages only, as the organisation, the officer, the board and
finance (issue 10), with axe-core on every page: 0 critical and 0 serious findings, and no catalogue key
shown instead of a text (tests/browser/walker.py fills forms by the labels a person sees; it knows
nothing of the form files).

1. Interest registration to the second period: two parties (one with a share and a signatory),
   statistics with units, uploaded documents, the board's decision, a payment held because the report
   was late, the report begun as a draft and finished later, its statistics read back as a table by
   the officer, renewal, the second period's first payment; the agreement page at each stage, and the
   finance page around each payment.
2. A second agreement, its officer in a browser without JavaScript (rows added by the server; axe-core
   checks a copy of each page), ended early from its page: the claim previewed and confirmed, shown to the
   organisation and to finance, the repayment recorded and the claim settled.

Time moves on the injected manual clock: `steps.advance` sets the app's clock and runs the real timer
sweep (no sleeping). Screenshots: $IOP_SHOTS_DIR (default /tmp/shots)/walk-<walk>-<nn>-<user>-<what>.png.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.domain.accounts import add_user
from app.models import User
from app.services import Services
from tests.browser.walker import Person
from tests.conftest import ORG_A, ORG_B, PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps

pytestmark = pytest.mark.browser
YES, NO = "Ja", "Nej"

KNOWN = {"Organisationens namn": "Föreningen Gemenskap", "Organisationsnummer": ORG_A}  # the portal knows these
INTEREST = {
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
        "Ytterligare idéburna parter": [{"Namn": "Stödcentrum", "Organisationsnummer": ORG_B,
                                         "Andel av kommunens stöd": 25, "Firmatecknare": "Per Lund"}],
        "Statistik som organisationen redovisar": [{"Vad räknas": "individkontakter", "Enhet": "kontakter"},
                                                   {"Vad räknas": "unika personer", "Enhet": "personer"}],
        "Återbetalning om verksamheten förändras eller upphör": "Outnyttjad del av utbetalt stöd"}
SUITABLE = {"Kapacitet att genomföra avtalet": "God", "Bidrag till lokal utveckling": "Stark",
            "Tillvaratagande av egen kompetens": "Volontärer", "Hur resultat och erfarenheter": "Årlig rapport",
            "Nytänkande inom samarbetsområdet": "Nya metoder", "Är det önskvärt med flera parter": YES,
            "Är organisationen lämplig": YES, "Återkoppling till organisationen": "Lämplig."}
DOCUMENTS = ("Stadgar", "Beskrivning av föreningens verksamhetsidé och ordinarie verksamhet", "Årsmötesprotokoll",
             "Verksamhetsberättelse", "Ekonomisk berättelse med bokslut", "Revisionsberättelse",
             "Verksamhetsplan och styrelseförteckning", "Uppgift om medlemsantal")
DECISION = {"Beslutar kommunstyrelsen att ingå": YES, "Beslutsdatum": "2025-11-20", "Protokollsparagraf": "KS § 123",
            "Utbetalningsintervall": "En gång per år"}
STATISTICS = {"individkontakter": 340, "unika personer": 85}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Small documents the organisation uploads, as a person would pick them from a folder."""
    made = {}
    for name in ("stadgar.pdf", "protokoll.pdf", "resultatrakning.pdf", "balansrakning.pdf"):
        made[name] = tmp_path / name
        made[name].write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return made


@pytest.fixture
def stenungsund_staff(services: Services, people: dict[str, User]) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "st_finance", PASSWORD, "finance", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)


@pytest.fixture
def person(page: Any, live_server: str, axe: Any, stenungsund_staff: None,
           request: pytest.FixtureRequest) -> Callable[[str], Person]:
    """Each user in their own browser, every page checked by axe-core and screenshotted as
    walk-<test>-<nn>-<user>-<what>.png."""
    made: dict[str, Person] = {}
    first = "second_period" in request.node.name
    prefix = "interest-to-second-period-" if first else "early-termination-"

    def get(username: str) -> Person:
        if username not in made:
            # in the second walk the officer's browser runs no scripts: rows are added by the server
            made[username] = Person(page.context.browser, live_server, username, PASSWORD, check=axe,
                                    prefix=prefix, javascript=first or username != "other_officer")
            made[username].log_in()
        return made[username]

    return get


def _case_and_agreement(who: Person, case_id: int, stage: str) -> tuple[str, str]:
    """The case page, then the agreement page through the case page's link: the text of both."""
    case = who.goto(f"/cases/{case_id}", f"case-{stage}")
    return case, who.follow("Visa överenskommelsen", f"agreement-{stage}")


def _agreement_page(who: Person, case_id: int, stage: str) -> str:
    return _case_and_agreement(who, case_id, stage)[1]


def _as_party(who: Person, case_id: int, stage: str) -> str:
    """A further party organisation sees the agreement, though not the case (its address, as in a mail);
    its portal does not list agreements it is only a party to."""
    return who.goto(f"/cases/{case_id}/agreement", f"agreement-{stage}")


def _pay(finance: Person, day: str, ref: str) -> str:
    """Finance looks at the payments due, then does the payment task; the list after it."""
    finance.follow("Utbetalningar", "payments-before")
    finance.do_task("Genomför utbetalning", {"Utbetalningsdag": day, "Verifikation": ref})
    text = finance.follow("Utbetalningar", "payments-after")
    assert f"Utbetald {day} ({ref})" in text, text
    return text


def _report(org: Person, files: dict[str, Path], draft_first: bool = False) -> None:
    if draft_first:  # half the report written, saved as a draft, the page left and opened again later
        org.open_task("Lämna redogörelse för året")
        org.fill({"Skriftlig beskrivning av verksamheten": "Ett bra år",
                  "Statistik enligt överenskommelsen": {"individkontakter": 340}})
        org.click("Spara utkast")
        assert "Utkast sparat" in org.look("report-draft-saved")
        org.follow("Mina uppgifter", "inbox-after-draft", exact=False)  # the link carries the count
        org.open_task("Lämna redogörelse för året")
        assert org.value("Skriftlig beskrivning av verksamheten") == "Ett bra år"
        assert org.value("individkontakter", org.page.locator("main fieldset").filter(
            has_text="Statistik enligt överenskommelsen").first) == "340"
    org.do_task("Lämna redogörelse för året", {
        "Resultaträkning": files["resultatrakning.pdf"], "Balansräkning": files["balansrakning.pdf"],
        "Skriftlig beskrivning av verksamheten": "Ett bra år med många samtal.",
        "Statistik enligt överenskommelsen": STATISTICS})


def _review(officer: Person, day: str) -> None:
    text = officer.open_task("Uppföljningsdialog och godkännande")
    # the report as a person reads it: the statistics in a table with their units, the files as links
    assert "individkontakter 340 kontakter" in text and "unika personer 85 personer" in text, text
    assert officer.page.get_by_role("link", name="resultatrakning.pdf").count() >= 1
    officer.fill({"Datum för uppföljningsdialog": day, "Godkänns redogörelsen?": YES,
                  "Återkoppling till organisationen": "Godkänd."})
    officer.submit(what="sent-review")


def _to_decision(person: Callable[[str], Person], files: dict[str, Path], plan: dict[str, Any],
                 decision: dict[str, Any]) -> int:
    """Interest, dialogue, economic plan, documents, suitability and the board's decision, all through the
    pages; the case's number."""
    org, officer, board = person("org_a"), person("other_officer"), person("st_board")
    org.follow("Starta ett nytt initiativ", "portal-start")
    org.fill({"Välj kommun": "Stenungsunds kommun"})
    org.click("Starta initiativet")
    org.look("interest")
    assert {label: org.value(label) for label in KNOWN} == KNOWN  # filled in already: never retyped
    org.fill(INTEREST)
    org.submit()
    case_id = int(org.page.locator("main a[href*='/cases/']").first.get_attribute("href").rsplit("/", 1)[1])
    officer.do_task("Dialogmöte om målbild, värdegrund och syfte", DIALOGUE)
    officer.do_task("Lägg upp ekonomisk plan", plan)
    org.do_task("Lämna in handlingar", {"Stadgar": files["stadgar.pdf"], "Årsmötesprotokoll": files["protokoll.pdf"],
                                        "Antal medlemmar": 120})
    officer.do_task("Registrera mottagna handlingar", {f"{doc}: mottagen": YES for doc in DOCUMENTS})
    officer.do_task("Lämplighetsbedömning", SUITABLE)
    board.do_task("Kommunstyrelsen beslutar om överenskommelsen", decision)
    return case_id


def test_one_agreement_from_interest_to_the_second_period(services: Services, person: Callable[[str], Person],
                                                          files: dict[str, Path]) -> None:
    services.clock.set(steps.midnight("2025-09-01"))  # type: ignore[attr-defined]
    org, officer = person("org_a"), person("other_officer")
    board, finance = person("st_board"), person("st_finance")
    case_id = _to_decision(person, files, PLAN, DECISION)
    text = _agreement_page(officer, case_id, "decided")
    for shown in ("Stödcentrum", ORG_B, "25 %", "Per Lund", "400 000 kr", "800 000 kr", "KS § 123",
                  "1 januari 2026", "Planerad"):
        assert shown in text, shown
    text = _as_party(person("org_b"), case_id, "second-party")
    assert "Föreningen Gemenskap" in text and "Per Lund" in text

    steps.advance(services, "2026-01-01")
    _pay(finance, "2026-01-02", "VER-1")
    assert "Utbetald" in _agreement_page(finance, case_id, "first-paid")
    steps.advance(services, "2026-11-01")  # the follow-up opens; the organisation does not report in time
    steps.advance(services, "2027-01-01")  # payment day: held, officer told
    text = _agreement_page(officer, case_id, "held")
    assert "Innehållen" in text, text
    assert "Innehållen" in finance.follow("Utbetalningar", "payments-held")
    officer.do_task("Utbetalning innehållen: följ upp redogörelsen", {"Vad har gjorts?": "Ringde föreningen."})
    _report(org, files, draft_first=True)
    _review(officer, "2027-01-10")
    _pay(finance, "2027-01-12", "VER-2")
    assert _agreement_page(org, case_id, "second-paid").count("Utbetald") >= 2
    steps.advance(services, "2027-03-31")  # nine months before 2027-12-31
    officer.do_task("Dialog om ny och reviderad överenskommelse", {
        "Mötesdatum": "2027-04-10", "Deltagare": "Båda", "Minnesanteckningar": "Vi fortsätter.",
        "Avstår någon part från att förlänga?": "Nej, vi föreslår en ny överenskommelse"})
    board.do_task("Kommunstyrelsen beslutar om ny avtalsperiod", {
        "Beslutar kommunen om en ny avtalsperiod?": YES, "Beslutsdatum": "2027-05-20",
        "Protokollsparagraf": "KS § 77", "Kommunens stöd per år i den nya perioden": 450000,
        "Ny avtalstid": 3, "Utbetalningsintervall": "En gång per år"})
    # the decided renewal is in the case's history; the agreement page adds period 2 when it starts
    case, text = _case_and_agreement(officer, case_id, "renewed")
    assert "KS § 77" in case and "450 000 kr" in case and "20 maj 2027" in case, case
    assert "Period 1 (KS § 123)" in text and "Godkänd" in text, text
    steps.advance(services, "2027-11-01")
    _report(org, files)
    _review(officer, "2027-11-20")
    steps.advance(services, "2028-01-01")  # the second period starts
    _pay(finance, "2028-01-02", "VER-3")
    text = _agreement_page(org, case_id, "second-period")
    for shown in ("Period 2 (KS § 77) 1 januari 2028 31 december 2030 450 000 kr 1 350 000 kr",
                  "Period 2, utbetalning 1 1 januari 2028 450 000 kr Utbetald"):
        assert shown in text, text
    assert text.count("Godkänd") >= 2  # both follow-ups of the first period
    org.click("In English")  # the same page in English: words, not keys, and still 0 serious findings
    text = org.look("agreement-second-period-english")
    for shown in ("Agreement periods", "Paid", "Approved", "450,000", "KS § 77"):
        assert shown in text, (shown, text)


def test_second_agreement_ended_early_with_repayment(services: Services, person: Callable[[str], Person],
                                                     files: dict[str, Path]) -> None:
    """A second agreement, five years, one party, ended early from its page after its first payment;
    finance records the repayment and the claim reads as settled."""
    services.clock.set(steps.midnight("2025-09-01"))  # type: ignore[attr-defined]
    org, officer, finance = person("org_a"), person("other_officer"), person("st_finance")
    plan = {key: value for key, value in PLAN.items() if key != "Ytterligare idéburna parter"}
    plan["Avtalstid"] = 5
    case_id = _to_decision(person, files, plan, DECISION)
    steps.advance(services, "2026-01-01")
    _pay(finance, "2026-01-02", "VER-10")
    steps.advance(services, "2026-06-01")
    _agreement_page(officer, case_id, "before-termination")
    officer.follow("Avsluta överenskommelsen i förtid", "terminate")
    officer.fill({"Varför avslutas överenskommelsen?": "Verksamheten upphör.",
                  "Första dagen utan verksamhet": "2026-07-01"})
    text = officer.submit("Visa återbetalningskravet", "terminate-preview")
    claim = round(400000 * 184 / 365)  # 2026-07-01..2026-12-31 of the paid year, pro rata
    claim_text = f"{claim:,} kr".replace(",", " ")
    assert claim_text in text, text
    officer.submit("Bekräfta: avsluta överenskommelsen", "terminated")
    text = _agreement_page(org, case_id, "terminated")
    assert "återbetalning" in text.casefold() and claim_text in text, text
    assert claim_text in finance.follow("Utbetalningar", "payments-claim")
    finance.do_task("Registrera återbetalning", {"Mottaget belopp": claim, "Mottaget datum": "2026-08-01"})
    assert "reglerad" in _agreement_page(finance, case_id, "settled").casefold()
