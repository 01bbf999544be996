"""Gävle's IOP walked through the pages only, as the organisation, the committee (board role), the officer and
finance, with axe-core on every page (tests/browser/walker.py fills forms by the labels a person sees).

Interest registration; the committee's check of democracy, inclusion, gender equality and non-discrimination;
the officer tries to go on with no idea meeting and is told why not, then records the meeting; the economic
plan values staff and premises beside the money; the documents that exist, one marked as not existing; the
committee's decision; the agreement page shows the valued resources; the case page draws Gävle's diagram;
the first payment; the first follow-up reported and approved.

Time moves on the injected manual clock (`advance` runs the real timer sweep; no sleeping). Screenshots:
$IOP_SHOTS_DIR (default /tmp/shots)/gavle-<nn>-<user>-<what>.png.
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
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund.steps import advance, midnight

pytestmark = [pytest.mark.browser, pytest.mark.slow]
YES, NO = "Ja", "Nej"

INTEREST = {"Organisationsform": "Ideell förening", "Verksamhetens namn": "Dagverksamhet för personer i hemlöshet",
            "Beskriv verksamheten och samhällsutmaningen": "Mat, samtal och stöd till boende.",
            "Verksamhetsområde": "Individ- och familjeomsorg", "Kontaktperson": "Anna Lind",
            "Kontaktpersonens e-post": "anna@example.org"}
PRINCIPLES = {"Organisationen bedrivs enligt demokratiska principer": YES, "Organisationen främjar inkludering": YES,
              "Jämställdhet genomsyrar organisation och verksamhet": YES,
              "Organisationen motverkar diskriminering": YES,
              "Bedömning med skäl": "Stadgar och styrelse granskade; likabehandlingsplan finns.",
              "Uppfyller organisationen kraven": YES}
AGREED = {"Är idémötena klara": YES, "Mål för partnerskapet": "Fler får eget boende.",
          "Värdegrund för partnerskapet": "Allas lika värde.", "Målgrupp och uppdrag": "Personer i hemlöshet."}
MEETING = {"Registrera ett hållet idémöte": YES, "Mötesdatum": "2025-09-01",
           "Deltagare": "Anna Lind, socialchef, handläggare", "Anteckningar från mötet": "Vi enades om uppdraget."}
PLAN = {"Kommunens ekonomiska stöd per år": 300000, "Avtalsperioden börjar": "2026-01-01", "Avtalstid": 3,
        "Organisationens egna medel per år": 40000, "Volontärtimmar per år": 800, "Värde per volontärtimme": 250,
        "Resurser som inte är pengar": [
            {"Part som bidrar": "Kommunen", "Slag": "Personal", "Beskrivning": "Socialsekreterare 20 %",
             "Värde per år": 150000},
            {"Part som bidrar": "Kommunen", "Slag": "Lokaler", "Beskrivning": "Lokal på Norra Kungsgatan",
             "Värde per år": 120000}],
        "Statistik som organisationen redovisar": [{"Vad räknas": "besökare", "Enhet": "personer"}],
        "Återbetalning om verksamheten förändras eller upphör": "Outnyttjad del av utbetalt stöd"}
DOCUMENTS = ("Stadgar", "Beskrivning av föreningens verksamhetsidé och ordinarie verksamhet", "Årsmötesprotokoll",
             "Verksamhetsberättelse", "Ekonomisk berättelse med bokslut", "Revisionsberättelse",
             "Verksamhetsplan och styrelseförteckning")
DECISION = {"Beslutar nämnden att ingå": YES, "Beslutsdatum": "2025-11-20", "Protokollsparagraf": "SN § 88",
            "Utbetalningsintervall": "En gång per år"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {}
    for name in ("stadgar.pdf", "resultatrakning.pdf", "balansrakning.pdf"):
        made[name] = tmp_path / name
        made[name].write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return made


@pytest.fixture
def person(page: Any, live_server: str, axe: Any, services: Services,
           people: dict[str, User]) -> Callable[[str], Person]:
    with services.unit_of_work() as s:
        for username, role in (("gv_officer", "officer"), ("gv_board", "board"), ("gv_finance", "finance")):
            add_user(s, services.clock, username, PASSWORD, role, municipality="gavle", password_hash=PASSWORD_HASH)
    made: dict[str, Person] = {}

    def get(username: str) -> Person:
        if username not in made:
            made[username] = Person(page.context.browser, live_server, username, PASSWORD, check=axe,
                                    prefix="gavle-")
            made[username].log_in()
        return made[username]

    return get


def test_gavle_from_interest_to_an_approved_follow_up(services: Services, person: Callable[[str], Person],
                                                      files: dict[str, Path]) -> None:
    services.clock.set(midnight("2025-09-01"))  # type: ignore[attr-defined]
    org, board, officer, finance = person("org_a"), person("gv_board"), person("gv_officer"), person("gv_finance")
    org.follow("Starta ett nytt initiativ", "portal-start")
    org.fill({"Välj kommun": "Gävle kommun"})
    org.click("Starta initiativet")
    org.look("interest")
    org.fill(INTEREST)
    org.submit()
    case_id = int(org.page.locator("main a[href*='/cases/']").first.get_attribute("href").rsplit("/", 1)[1])

    board.do_task("Nämnden kontrollerar demokrati, inkludering, jämställdhet och icke-diskriminering", PRINCIPLES)

    # going on with no idea meeting recorded: refused, the page says why
    officer.open_task("Idémöte")
    officer.fill({"Registrera ett hållet idémöte": NO, **AGREED})
    officer.click("Skicka")
    alert = officer.page.locator("[role=alert]").first.inner_text()
    assert "Ingen överenskommelse kan tas fram innan minst ett idémöte har registrerats" in alert, alert
    officer.look("idea-meeting-refused")
    officer.fill({**MEETING, **AGREED})
    officer.submit(what="idea-meeting-recorded")

    officer.do_task("Lägg upp ekonomisk plan med resurser som inte är pengar", PLAN)
    org.do_task("Lämna in handlingar som finns", {"Stadgar": files["stadgar.pdf"], "Antal medlemmar": 120})
    officer.do_task("Registrera mottagna handlingar", {**{doc: "Mottagen" for doc in DOCUMENTS},
                                                       "Uppgift om medlemsantal": "Finns inte hos organisationen"})
    board.do_task("Nämnden beslutar om överenskommelsen", DECISION)

    officer.goto(f"/cases/{case_id}", "case-decided")
    assert officer.page.locator("[data-ready=true]").count() == 1  # the diagram is drawn from Gävle's DI
    text = officer.follow("Visa överenskommelsen", "agreement-decided").replace("\xa0", " ")
    for shown in ("300 000 kr", "900 000 kr", "SN § 88", "Kommunen: personal, Socialsekreterare 20 % (150 000 kr",
                  "Kommunen: lokaler, Lokal på Norra Kungsgatan (120 000 kr",
                  "Värderat sammanlagt per år: kommunen 270 000 kr"):
        assert shown in text, (shown, text)

    advance(services, "2026-01-01")
    finance.follow("Utbetalningar", "payments-before")
    finance.do_task("Genomför utbetalning", {"Utbetalningsdag": "2026-01-02", "Verifikation": "VER-1"})
    assert "Utbetald 2026-01-02 (VER-1)" in finance.follow("Utbetalningar", "payments-after")

    advance(services, "2026-11-01")  # the first follow-up opens two months before the anniversary
    org.do_task("Lämna redogörelse för året", {
        "Resultaträkning": files["resultatrakning.pdf"], "Balansräkning": files["balansrakning.pdf"],
        "Skriftlig beskrivning av verksamheten": "Ett år med många besökare.",
        "Statistik enligt överenskommelsen": {"besökare": 1200}})
    officer.do_task("Uppföljningsdialog och godkännande", {
        "Datum för uppföljningsdialog": "2026-11-15", "Godkänns redogörelsen?": YES,
        "Återkoppling till organisationen": "Godkänd."})
    text = org.goto(f"/cases/{case_id}/agreement", "agreement-followed-up")
    assert "Utbetald" in text and "Godkänd" in text, text
