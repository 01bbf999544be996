"""Demo data for Gävle: its staff and three IOPs at the stages the README tells, made through the engine on
Gävle's own process (processes/gavle_agreement.bpmn).

Every date is placed relative to the services' "today", so the demo shows the same story whichever day it is
loaded:

- Gävle Stadsmission, dagverksamheten (anna.lind): the committee checked its principles, two idea meetings were
  held, the plan values a social worker's time and the municipality's premises beside the money; the agreement
  runs in its first year, the first payment is paid and the first follow-up report is open, due within days;
- Brottsofferjouren Gävle (jonas): interest registered; the committee's check of democracy, inclusion, gender
  equality and non-discrimination is open;
- Fritidsgården Sätra IF (sara): principles checked, one idea meeting held; the officer holds the next meeting
  (or goes on to the economic plan).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.core.calendar import add_months
from app.demo.agreement import AgreementCase
from app.demo.municipality import MunicipalityDemo
from app.domain.orgnumber import with_check_digit

MUNICIPALITY = "gavle"
PROCESS = "gavle_agreement"

STADSMISSION = with_check_digit("802480311")
BROTTSOFFERJOUREN = with_check_digit("802481422")
SATRA = with_check_digit("802482533")

ORGANISATIONS = [
    ("Gävle Stadsmission", STADSMISSION, "info@stadsmission-gavle.example"),
    ("Brottsofferjouren Gävle", BROTTSOFFERJOUREN, "info@brottsofferjouren-gavle.example"),
    ("Sätra IF, fritidsgården", SATRA, "kansli@satraif.example"),
]

USERS: list[dict[str, Any]] = [
    {"username": "elin", "role": "officer", "municipality": MUNICIPALITY, "name": "Elin Hed, IOP-handläggare"},
    {"username": "nils", "role": "board", "municipality": MUNICIPALITY,
     "name": "Nils Ros, socialnämndens sekreterare"},
    {"username": "ebba", "role": "finance", "municipality": MUNICIPALITY, "name": "Ebba Falk, ekonomiavdelningen"},
    {"username": "tove", "role": "process_owner", "municipality": MUNICIPALITY, "name": "Tove Lund, processägare"},
    {"username": "anna.lind", "role": "organisation", "organisation": STADSMISSION,
     "name": "Anna Lind (Gävle Stadsmission)"},
    {"username": "jonas", "role": "organisation", "organisation": BROTTSOFFERJOUREN,
     "name": "Jonas Berg (Brottsofferjouren Gävle)"},
    {"username": "sara", "role": "organisation", "organisation": SATRA, "name": "Sara Öst (Sätra IF)"},
]

DOC_KEYS = ["doc_statutes", "doc_idea_and_activity", "doc_annual_meeting_minutes", "doc_activity_report",
            "doc_financial_report", "doc_audit_report", "doc_plan_and_board", "doc_member_count"]


def _interest(name: str, org_number: str, title: str, description: str, field: str, contact: str,
              email: str) -> dict[str, Any]:
    return {"organisation_name": name, "org_number": org_number, "legal_form": "ideell_forening",
            "activity_title": title, "description": description, "field_of_activity": field,
            "contact_name": contact, "contact_email": email}


PRINCIPLES: dict[str, Any] = {
    "democratic_principles": True, "promotes_inclusion": True, "gender_equality": True,
    "counteracts_discrimination": True, "principles_approved": True,
    "principles_assessment": "Stadgar, årsmötesprotokoll och styrelsens sammansättning granskade; föreningen har "
                             "en likabehandlingsplan och öppet medlemskap."}


def _meeting(participants: str, minutes: str, done: bool = False, **agreed: str) -> dict[str, Any]:
    # the meeting date is the day the demo records it (app.demo.agreement)
    return {"meeting_held": True, "meeting_date": "2000-01-01", "participants": participants, "minutes": minutes,
            "dialogue_complete": done, **agreed}


Preparation = list[tuple[str, int, dict[str, Any]]]


def preparation(interest: dict[str, Any], *, start: date, years: int, yearly_amount_sek: int,
                statistics: list[str], minute_reference: str, decision_on: date) -> Preparation:
    """Gävle's preparation as (task, days before the committee's decision, data)."""
    return [
        ("interest", 90, interest),
        ("principles", 80, PRINCIPLES),
        ("dialogue", 70, _meeting("Föreningens ordförande och verksamhetsledare, IOP-handläggare",
                                  "Första idémötet: behoven, målgruppen och vad var part kan bidra med.")),
        ("dialogue", 55, _meeting(
            "Verksamhetsledare, socialchef, IOP-handläggare",
            "Andra idémötet: parterna enades om mål, värdegrund och vilka resurser var part bidrar med.", done=True,
            shared_goal="Fler personer i målgruppen får stöd och en meningsfull vardag.",
            shared_values="Allas lika värde, delaktighet och respekt för människors egen kraft.",
            purpose=f"Målgrupp och uppdrag: {interest['description']}")),
        ("economic_plan", 45, {
            "yearly_support_sek": yearly_amount_sek, "period_start": start.isoformat(), "period_years": years,
            "own_funds_sek": 60_000, "volunteer_hours_per_year": 1_500, "volunteer_hour_value_sek": 250,
            "in_kind_resources": [
                {"party": "municipality", "kind": "staff", "description": "Socialsekreterare 20 % på plats",
                 "value_sek_per_year": 150_000},
                {"party": "municipality", "kind": "premises", "description": "Lokal i kommunens fastighet",
                 "value_sek_per_year": 120_000},
                {"party": "organisation", "kind": "competence", "description": "Diakon med samtalsutbildning",
                 "value_sek_per_year": 80_000}],
            "statistics": statistics, "repayment_rule": "pro_rata"}),
        ("documents", 40, {key: [] for key in DOC_KEYS}),
        ("documents_check", 35, {f"{key}_status": "received" for key in DOC_KEYS}
         | {"doc_member_count_status": "not_existing"}),
        ("committee_decision", 0, {"board_enters": True, "decision_date": decision_on.isoformat(),
                                   "minute_reference": minute_reference, "payment_interval": "yearly",
                                   "board_feedback": "Socialnämnden har beslutat att ingå partnerskapet."}),
    ]


def scenarios(today: date) -> list[AgreementCase]:
    """The demo's agreements, every date counted from `today`."""
    # Stadsmission: the first follow-up is due one month before the first anniversary; place it a few days ahead
    anniversary = add_months(today + timedelta(days=5), 1)
    start = add_months(anniversary, -12)
    decided = start - timedelta(days=30)
    stadsmission = _interest("Gävle Stadsmission", STADSMISSION, "Dagverksamhet för personer i hemlöshet",
                             "Personer i hemlöshet i Gävle: dagverksamhet med mat, samtal och stöd till boende.",
                             "individual_family_care", "Anna Lind", "anna@stadsmission-gavle.example")
    jouren = _interest("Brottsofferjouren Gävle", BROTTSOFFERJOUREN, "Stöd till brottsutsatta och vittnen",
                       "Brottsutsatta, vittnen och anhöriga: stödsamtal och följeslagare till rättegång.",
                       "counselling", "Jonas Berg", "jonas@brottsofferjouren-gavle.example")
    satra = _interest("Sätra IF, fritidsgården", SATRA, "Öppen fritidsgård för unga i Sätra",
                      "Unga 13-18 år i Sätra: öppen fritidsgård kvällar och helger med läxhjälp och idrott.",
                      "children_youth", "Sara Öst", "sara@satraif.example")
    later = today + timedelta(days=60)  # the preparing cases' committee meets in about two months

    def case(org: str, interest: dict[str, Any], decision_on: date, period_start: date, *, years: int,
             amount: int, statistics: list[str], minute: str, until: str | None) -> AgreementCase:
        return AgreementCase(
            org_number=org, interest=interest, decision_on=decision_on, start=period_start, years=years,
            yearly_amount_sek=amount, interval="yearly", statistics=statistics, minute_reference=minute,
            hands_off=add_months(anniversary, -2) if until is None else today, prepare_until=until,
            preparation=preparation(interest, start=period_start, years=years, yearly_amount_sek=amount,
                                    statistics=statistics, minute_reference=minute, decision_on=decision_on))

    return [
        case(STADSMISSION, stadsmission, decided, start, years=3, amount=300_000,
             statistics=["besökare", "stödsamtal", "personer som fått eget boende"],
             minute=f"SN {decided.isoformat()} § 88", until=None),
        # the case stops before the first step named (the committee's check; the economic plan)
        case(BROTTSOFFERJOUREN, jouren, later + timedelta(days=20), add_months(later, 3), years=2, amount=150_000,
             statistics=["stödsamtal", "följeslagningar"], minute="", until="principles"),
        AgreementCase(
            org_number=SATRA, interest=satra, decision_on=later, start=add_months(later, 2), years=3,
            yearly_amount_sek=200_000, interval="yearly", statistics=["besökare", "aktiviteter"], minute_reference="",
            hands_off=today, prepare_until=None,
            preparation=preparation(satra, start=add_months(later, 2), years=3, yearly_amount_sek=200_000,
                                    statistics=["besökare", "aktiviteter"], minute_reference="",
                                    decision_on=later)[:3]),
    ]


DEMO = MunicipalityDemo(slug=MUNICIPALITY, process_id=PROCESS, organisations=ORGANISATIONS, users=USERS,
                        cases=scenarios)
