"""Demo data for Kungsbacka: its staff, two organisations and two IOP cases, one begun by each party.

- Föreningen Vägen in (amira) took the initiative in the portal a month ago; the officer has drawn up the
  joint budget and assessed the six criteria, and the lawyer's check of the seven general prerequisites is open;
- the officer (vendela) took the initiative on the municipality's behalf a few days ago, for Mentorskap
  Kungsbacka (sixten), and invited it: the organisation's description of the partnership is open in its portal.

Dates count from the services' "today"; app.demo.loader loads the cases when Kungsbacka has none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.demo.initiative import StepsCase
from app.demo.municipality import MunicipalityDemo
from app.domain.kungsbacka import CRITERIA
from app.domain.orgnumber import with_check_digit

MUNICIPALITY = "kungsbacka"
PROCESS = "kungsbacka_agreement"

VAGEN_IN = with_check_digit("802481357")
MENTORSKAP = with_check_digit("802492468")

ORGANISATIONS = [
    ("Föreningen Vägen in", VAGEN_IN, "info@vagenin-kungsbacka.example"),
    ("Mentorskap Kungsbacka", MENTORSKAP, "kontakt@mentorskap-kungsbacka.example"),
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
]


def _proposal(today: date) -> dict[str, Any]:
    return {"organisation_name": "Föreningen Vägen in", "org_number": VAGEN_IN, "legal_form": "ideell_forening",
            "activity_title": "Vägen in – praktik och mentorer för unga vuxna",
            "description": "Volontära mentorer och praktikplatser hos föreningens medlemsföretag för unga vuxna "
                           "som står långt från arbetsmarknaden.",
            "societal_challenge": "Unga vuxna utan arbete eller studier.",
            "goals": "Hälften av deltagarna i arbete eller studier efter ett år.",
            "target_group": "Unga vuxna 18–29 år i Kungsbacka", "organisation_contribution": "Mentorer och lokal",
            "contact_name": "Amira Nord", "contact_email": "amira@vagenin-kungsbacka.example"}


def _budget(today: date) -> dict[str, Any]:
    start = date(today.year + 1, 1, 1)
    return {"yearly_support_sek": 350_000, "municipality_resources": "Arbetsmarknadskonsulent på halvtid",
            "municipality_resources_value_sek": 300_000, "own_funds_sek": 50_000, "volunteer_hours_per_year": 1_000,
            "volunteer_hour_value_sek": 250, "other_resources": "Lokal och samordnare",
            "other_resources_value_sek": 120_000, "period_start": start.isoformat(), "period_years": 3,
            "statistics": ["deltagare", "deltagare i arbete eller studier"], "repayment_rule": "pro_rata",
            "economic_activity": False, "other_de_minimis": []}


REASON = "Bedömt vid dialogmötet; framgår av beskrivningen och budgeten."
CRITERIA_MET = {**{key: True for key in CRITERIA}, **{f"{key}_reason": REASON for key in CRITERIA}}


def scenarios(today: date) -> list[StepsCase]:
    return [
        StepsCase(org_number=VAGEN_IN, days_ago=30, steps=[
            ("proposal", _proposal(today)), ("budget", _budget(today)), ("criteria", CRITERIA_MET)]),
        StepsCase(org_number=MENTORSKAP, days_ago=4, starter="vendela", steps=[
            ("municipal_initiative", {
                "initiative_title": "Mentorer för nyanlända elever på gymnasiet",
                "initiative_description": "Förvaltningen för Gymnasium & Arbetsmarknad vill tillsammans med en "
                                          "idéburen organisation ge nyanlända elever en mentor under gymnasietiden.",
                "initiative_challenge": "Nyanlända elever som riskerar att inte fullfölja gymnasiet.",
                "invitation_message": "Vi bjuder in Mentorskap Kungsbacka att beskriva er del av partnerskapet."})]),
    ]


DEMO = MunicipalityDemo(slug=MUNICIPALITY, process_id=PROCESS, organisations=ORGANISATIONS, users=USERS,
                        cases=scenarios)
