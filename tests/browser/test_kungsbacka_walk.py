"""Kungsbacka's IOP walked through the pages only, begun by the municipality: the officer starts the case
naming the organisation and describes the initiative; the organisation finds the case in its portal and
describes the partnership; the officer draws up the joint budget (every party's money and other resources)
and assesses the six criteria, the lawyer checks the seven general prerequisites, the committee decides; the
agreement runs: a payment by finance and the first follow-up, reported by the organisation and approved by
the officer. axe-core checks every page (0 critical, 0 serious) and no catalogue key may show instead of
text (tests/browser/walker.py fills forms by the labels a person sees).

Time moves on the injected manual clock (`steps.advance`: the real timer sweep, no sleeping). Screenshots:
$IOP_SHOTS_DIR (default /tmp/shots)/kungsbacka-<nn>-<user>-<what>.png.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.domain.kungsbacka import CRITERIA, PREREQUISITES
from app.models import User
from app.services import Services
from tests.browser.walker import Person
from tests.conftest import ORG_A, ORG_B, PASSWORD
from tests.kungsbacka import steps

pytestmark = pytest.mark.browser
YES = "Ja"

INITIATIVE = {"Vad gäller initiativet?": "Arbetsmarknadsinsats för unga",
              "Beskriv idén och varför kommunen vill samarbeta": "Vi vill möta unga som står långt från "
              "arbetsmarknaden tillsammans med civilsamhället.",
              "Inbjudan till organisationen": "Välkomna att beskriva er del av partnerskapet."}
PROPOSAL = {"Organisationsform": "Ideell förening", "Insatsens namn": "Vägen till arbete",
            "Beskriv insatsen": "Mentorer och praktikplatser för unga vuxna.",
            "Vilken gemensam samhällsutmaning möter partnerskapet?": "Unga som står långt från arbetsmarknaden.",
            "Mål för samarbetet": "Fler unga i arbete eller studier.", "Målgrupp": "Unga vuxna 18–29 år",
            "Kontaktperson": "Eva Lund"}
BUDGET = {"Kommunens pengar per år": 300000,
          "Kommunens andra resurser": "En arbetsmarknadskonsulent på halvtid",
          "Värdet av kommunens andra resurser per år": 250000, "Organisationens pengar per år": 40000,
          "Organisationens volontärtimmar per år": 800, "Värde per volontärtimme": 250,
          "Organisationens andra resurser": "Lokal i Kungsbacka centrum",
          "Värdet av organisationens andra resurser per år": 60000,
          "Ytterligare parter och deras bidrag": [{"Namn": "Stödcentrum", "Organisationsnummer": ORG_B,
                                                   "Partens pengar per år": 20000,
                                                   "Partens andra resurser": "Två handledare",
                                                   "Värdet av partens andra resurser per år": 90000}],
          "Avtalsperioden börjar": "2027-01-01", "Avtalstid": 2,
          "Statistik som organisationen redovisar": [{"Vad räknas": "deltagare", "Enhet": "personer"}],
          "Återbetalning om verksamheten förändras eller upphör": "Outnyttjad del av utbetalt stöd",
          "Bedriver organisationen ekonomisk verksamhet": "Nej"}
DECISION = {"Beslutar nämnden att ingå partnerskapet?": YES, "Beslutsdatum": "2026-12-10",
            "Protokollsparagraf": "GAN § 45", "Utbetalningsintervall": "En gång per år",
            "Återkoppling till organisationen": "Välkomna som partner."}


def _judged(items: dict[str, str], form: str) -> dict[str, Any]:
    """Yes to every item, and a reason under each (labels from the form file: 'Motivering: …')."""
    schema = Path(__file__).parents[2] / "processes" / "forms" / form
    import json
    props = json.loads(schema.read_text(encoding="utf-8"))["properties"]
    answers: dict[str, Any] = {}
    for key, text in items.items():
        answers[text] = YES
        answers[props[f"{key}_reason"]["title"]] = "Uppfyllt enligt underlaget."
    return answers


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {}
    for name in ("resultatrakning.pdf", "balansrakning.pdf"):
        made[name] = tmp_path / name
        made[name].write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return made


@pytest.fixture
def person(page: Any, live_server: str, axe: Any, services: Services, people: dict[str, User],
           password_hash: str) -> Callable[[str], Person]:
    steps.add_people(services, password_hash)
    made: dict[str, Person] = {}

    def get(username: str) -> Person:
        if username not in made:
            made[username] = Person(page.context.browser, live_server, username, PASSWORD, check=axe,
                                    prefix="kungsbacka-")
            made[username].log_in()
        return made[username]

    return get


def test_officer_begins_and_the_agreement_runs(services: Services, person: Callable[[str], Person],
                                               files: dict[str, Path]) -> None:
    services.clock.set(steps.midnight("2026-12-01"))  # type: ignore[attr-defined]
    officer, org, lawyer = person("kb_officer"), person("org_a"), person("kb_lawyer")
    board, finance, other = person("kb_board"), person("kb_finance"), person("org_b")

    # the officer begins, naming the organisation
    officer.follow("Starta ärende", "start-case")
    officer.fill({"Organisationsnummer": "12345"})
    officer.click("Starta ärendet")
    assert "Organisationsnumret är inte giltigt" in officer.look("start-case-refused")
    officer.fill({"Organisationsnummer": ORG_A})
    officer.click("Starta ärendet")
    text = officer.look("initiative")
    assert "Beskriv kommunens initiativ och bjud in organisationen" in text and "Föreningen Gemenskap" in text
    officer.fill(INITIATIVE)
    officer.submit()

    # the organisation finds the invitation in its portal and describes the partnership
    portal = org.goto("/portal/", "portal-invited")
    assert "Beskriv partnerskapet" in portal, portal
    assert "Vägen till arbete" not in other.goto("/portal/", "other-portal")  # nothing of it shows elsewhere
    text = org.open_task("Beskriv partnerskapet")
    assert "Arbetsmarknadsinsats för unga" in text  # the municipality's initiative, read by the organisation
    assert org.value("Organisationens namn") == "Föreningen Gemenskap" and org.value("Organisationsnummer") == ORG_A
    org.fill(PROPOSAL)
    org.submit()
    case_link = org.page.locator("main a[href*='/cases/']").first.get_attribute("href")
    case_id = int(case_link.rsplit("/", 1)[1])

    officer.do_task("Gemensam budget: varje parts bidrag", BUDGET)
    text = officer.open_task("Bedöm de sex kriterierna")
    for shown in ("300 000", "250 000", "Stödcentrum", "90 000"):  # the budget, every party's contribution
        assert shown in text, (shown, text)
    officer.fill(_judged(CRITERIA, "kungsbacka_criteria.json"))
    officer.submit()
    lawyer.do_task("Pröva de sju grundförutsättningarna", _judged(PREREQUISITES, "kungsbacka_prerequisites.json"))
    services.clock.set(steps.midnight("2026-12-10"))  # type: ignore[attr-defined]
    board.do_task("Nämnden beslutar om partnerskapet", DECISION)

    text = officer.goto(f"/cases/{case_id}", "case-decided")  # the diagram is drawn (bpmn-js, from its DI)
    drawn = officer.page.locator("#case-viewer [data-element-id='decision']")
    assert drawn.count() >= 1, officer.page.locator("#viewer-status").text_content()
    text = officer.goto(f"/cases/{case_id}/agreement", "agreement-decided")
    for shown in ("Stödcentrum", ORG_B, "300 000 kr", "GAN § 45", "1 januari 2027",
                  "Stödcentrum: 20 000 kr i pengar och Två handledare (värde 90 000 kr) per år."):
        assert shown in text, (shown, text)

    steps.advance(services, "2027-01-01")
    finance.do_task("Genomför utbetalning", {"Utbetalningsdag": "2027-01-04", "Verifikation": "VER-K1"})
    assert "Utbetald" in org.goto(f"/cases/{case_id}/agreement", "agreement-paid")
    steps.advance(services, "2027-11-01")  # the first follow-up opens
    org.do_task("Lämna redogörelse för året", {
        "Resultaträkning": files["resultatrakning.pdf"], "Balansräkning": files["balansrakning.pdf"],
        "Skriftlig beskrivning av verksamheten": "Ett bra första år.",
        "Statistik enligt överenskommelsen": {"deltagare": 42}})
    officer.open_task("Uppföljningsdialog och godkännande")
    officer.fill({"Datum för uppföljningsdialog": "2027-11-15", "Godkänns redogörelsen?": YES,
                  "Återkoppling till organisationen": "Godkänd."})
    officer.submit(what="sent-review")
    text = org.goto(f"/cases/{case_id}/agreement", "agreement-followed-up")
    assert "Godkänd" in text and "Utbetald" in text, text
