"""Demo data for Kungsbacka: its staff, five organisations and five IOPs, begun by either party.

Every date is counted from the services' "today":

- Föreningen Vägen in (amira) took the initiative in the portal six weeks ago; budget, criteria and the
  lawyer's check are done: the committee's decision is open (ingrid);
- Mentorskap Kungsbacka (sixten) was invited a few days ago: the officer took the initiative on the
  municipality's behalf, and the organisation's description of the partnership is open in its portal;
- Språkvänner i Kungsbacka (noor) has had a running agreement with quarterly payments for a year; its first
  follow-up is approved and the payment due a few days ago waits for finance (halvard);
- Fritid för alla (elsa) took the initiative three weeks ago: the lawyer's check of the seven general
  prerequisites is open (torbjorn);
- Grannstöd Kungsbacka (ture) described its partnership a week ago: the officer (vendela) is to draw up the
  joint budget with every party's contribution.

app.demo.loader loads the cases when Kungsbacka has none.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.core.calendar import add_months
from app.demo.agreement import AgreementCase
from app.demo.initiative import StepsCase
from app.demo.municipality import MunicipalityDemo
from app.domain.kungsbacka import CRITERIA, PREREQUISITES
from app.domain.orgnumber import with_check_digit

MUNICIPALITY = "kungsbacka"
PROCESS = "kungsbacka_agreement"

VAGEN_IN = with_check_digit("802481357")
MENTORSKAP = with_check_digit("802492468")
SPRAKVANNER = with_check_digit("802413579")
FRITID = with_check_digit("802424680")
GRANNSTOD = with_check_digit("802435791")

ORGANISATIONS = [
    ("Föreningen Vägen in", VAGEN_IN, "info@vagenin-kungsbacka.example"),
    ("Mentorskap Kungsbacka", MENTORSKAP, "kontakt@mentorskap-kungsbacka.example"),
    ("Språkvänner i Kungsbacka", SPRAKVANNER, "info@sprakvanner-kungsbacka.example"),
    ("Fritid för alla i Kungsbacka", FRITID, "kontakt@fritidforalla-kungsbacka.example"),
    ("Grannstöd Kungsbacka", GRANNSTOD, "info@grannstod-kungsbacka.example"),
]

USERS: list[dict[str, Any]] = [
    {"username": "vendela", "role": "officer", "municipality": MUNICIPALITY,
     "name": "Vendela Hav, utvecklingsledare (Gymnasium & Arbetsmarknad)"},
    {"username": "torbjorn", "role": "lawyer", "municipality": MUNICIPALITY, "name": "Torbjörn Ask, kommunjurist"},
    {"username": "ingrid", "role": "board", "municipality": MUNICIPALITY, "name": "Ingrid Lö, nämndsekreterare"},
    {"username": "halvard", "role": "finance", "municipality": MUNICIPALITY, "name": "Halvard Ek, ekonomi"},
    {"username": "amira", "role": "organisation", "organisation": VAGEN_IN, "name": "Amira Nord (Föreningen Vägen in)"},
    {"username": "sixten", "role": "organisation", "organisation": MENTORSKAP,
     "name": "Sixten Ros (Mentorskap Kungsbacka)"},
    {"username": "noor", "role": "organisation", "organisation": SPRAKVANNER,
     "name": "Noor Lind (Språkvänner i Kungsbacka)"},
    {"username": "elsa", "role": "organisation", "organisation": FRITID, "name": "Elsa Berg (Fritid för alla)"},
    {"username": "ture", "role": "organisation", "organisation": GRANNSTOD, "name": "Ture Vik (Grannstöd Kungsbacka)"},
]

REASON = "Bedömt vid dialogmötet; framgår av beskrivningen och budgeten."
CRITERIA_MET = {**{key: True for key in CRITERIA}, **{f"{key}_reason": REASON for key in CRITERIA}}
CHECKED = "Prövat mot kommunallagen, statsstödsreglerna och LOU."
PREREQUISITES_MET = {**{key: True for key in PREREQUISITES}, **{f"{key}_reason": CHECKED for key in PREREQUISITES}}


def _proposal(name: str, number: str, title: str, description: str, target_group: str) -> dict[str, Any]:
    return {"organisation_name": name, "org_number": number, "legal_form": "ideell_forening",
            "activity_title": title, "description": description,
            "societal_challenge": "Utanförskap och ensamhet som ingen part kan möta ensam.",
            "goals": "Fler i målgruppen i gemenskap, studier eller arbete.", "target_group": target_group,
            "organisation_contribution": "Volontärer, lokal och kontaktnät"}


def _budget(start: date, yearly: int, own: int, hours: int, statistics: list[str]) -> dict[str, Any]:
    return {"yearly_support_sek": yearly, "municipality_resources": "Handläggare och lokal en dag i veckan",
            "municipality_resources_value_sek": yearly // 2, "own_funds_sek": own, "volunteer_hours_per_year": hours,
            "volunteer_hour_value_sek": 250, "other_resources": "Samordnare och material",
            "other_resources_value_sek": 50_000, "period_start": start.isoformat(), "period_years": 3,
            "statistics": statistics, "repayment_rule": "pro_rata", "economic_activity": False,
            "other_de_minimis": []}


def _decision(day: date, paragraph: int, interval: str) -> dict[str, Any]:
    return {"enters": True, "decision_date": day.isoformat(),
            "minute_reference": f"GAN {day.isoformat()} § {paragraph}", "payment_interval": interval,
            "decision_feedback": "Nämnden ingår partnerskapet."}


def scenarios(today: date) -> list[StepsCase | AgreementCase]:
    """The demo's cases, every date counted from `today`."""
    next_year = date(today.year + 1, 1, 1)
    # Språkvänner: quarterly payments since a year and three days; the payment of the first anniversary
    # (gated by the first follow-up, approved in time) fell due three days ago
    start = add_months(today - timedelta(days=3), -12)
    decided = start - timedelta(days=30)
    statistics = ["språkvänspar", "träffar"]
    return [
        StepsCase(org_number=VAGEN_IN, days_ago=45, steps=[
            ("proposal", _proposal("Föreningen Vägen in", VAGEN_IN, "Vägen in – praktik och mentorer för unga vuxna",
                                   "Mentorer och praktikplatser för unga vuxna långt från arbetsmarknaden.",
                                   "Unga vuxna 18–29 år")),
            ("budget", _budget(next_year, 350_000, 50_000, 1_000, ["deltagare", "deltagare i arbete"])),
            ("criteria", CRITERIA_MET), ("legal_review", PREREQUISITES_MET)]),
        StepsCase(org_number=MENTORSKAP, days_ago=4, starter="vendela", steps=[
            ("municipal_initiative", {
                "initiative_title": "Mentorer för nyanlända elever på gymnasiet",
                "initiative_description": "Förvaltningen för Gymnasium & Arbetsmarknad vill tillsammans med en "
                                          "idéburen organisation ge nyanlända elever en mentor under gymnasietiden.",
                "initiative_challenge": "Nyanlända elever som riskerar att inte fullfölja gymnasiet.",
                "invitation_message": "Vi bjuder in Mentorskap Kungsbacka att beskriva er del av partnerskapet."})]),
        AgreementCase(
            org_number=SPRAKVANNER, interest={}, decision_on=decided, start=start, years=3, yearly_amount_sek=200_000,
            interval="quarterly", statistics=statistics, minute_reference=f"GAN {decided.isoformat()} § 61",
            hands_off=today - timedelta(days=5), preparation=[
                ("proposal", 60, _proposal("Språkvänner i Kungsbacka", SPRAKVANNER,
                                           "Språkvän – svenska i vardagen",
                                           "Volontärer möter nyanlända vuxna varje vecka för samtal på svenska.",
                                           "Nyanlända vuxna")),
                ("budget", 45, _budget(start, 200_000, 30_000, 1_500, statistics)),
                ("criteria", 30, CRITERIA_MET), ("legal_review", 15, PREREQUISITES_MET),
                ("decision", 0, _decision(decided, 61, "quarterly"))]),
        StepsCase(org_number=FRITID, days_ago=21, steps=[
            ("proposal", _proposal("Fritid för alla i Kungsbacka", FRITID, "Fritid för alla",
                                   "Anpassade fritidsaktiviteter för barn och unga med funktionsnedsättning.",
                                   "Barn och unga 7–20 år med funktionsnedsättning")),
            ("budget", _budget(next_year, 250_000, 40_000, 900, ["deltagare", "aktivitetstillfällen"])),
            ("criteria", CRITERIA_MET)]),
        StepsCase(org_number=GRANNSTOD, days_ago=7, steps=[
            ("proposal", _proposal("Grannstöd Kungsbacka", GRANNSTOD, "Grannstöd för äldre",
                                   "Grannar hjälper äldre med vardagsärenden och sällskap.",
                                   "Äldre som bor ensamma"))]),
    ]


DEMO = MunicipalityDemo(slug=MUNICIPALITY, process_id=PROCESS, organisations=ORGANISATIONS, users=USERS,
                        cases=scenarios)
