"""Demo data for Stenungsund: its staff, five IOPs at the stages the README tells, made through the engine.

Every date is placed relative to the services' "today" (the real date in a deployment, the
test clock in tests), so the demo shows the same story whichever day it is loaded:

- Kvinnojouren i Stenungsund (karin): an agreement of three years, renewed for three more with
  quarterly payments; the renewal dialogue opened a few days ago (nine months before the
  end) and waits for the officer, and a quarterly payment was released a day or two ago
  and waits for finance;
- Svenska kyrkan, second hand-butiken (maria): in its first year; the first follow-up
  report is open and due within the next few days;
- Svenska kyrkan, Pelikanen (peter): quarterly payments; the first follow-up report was
  never sent, so the payment due a few days ago is held and the officer has an escalation;
- Föreningen Mötesplats Stenungsund (lisa): in preparation; the officer is to fill in the
  economic plan after the dialogue meeting;
- Läxhjälpen i Stenungsund (omar): prepared and found suitable; the board's decision is open.

The cases are replayed from the first interest up to "now" by app.demo.agreement (the engine, the
right person for each task, a ManualClock, the timers firing on the way); app.demo.loader loads them
when Stenungsund has no case yet.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.core.calendar import add_months
from app.demo.agreement import AgreementCase
from app.demo.municipality import MunicipalityDemo
from app.domain.agreements.payments import next_period_start
from app.domain.orgnumber import with_check_digit
from app.driving.scenarios import interest_data

MUNICIPALITY = "stenungsund"

KVINNOJOUREN = with_check_digit("802419577")
SECOND_HAND = with_check_digit("802431208")
PELIKANEN = with_check_digit("802447716")
MOTESPLATS = with_check_digit("802455123")
LAXHJALPEN = with_check_digit("802466234")

ORGANISATIONS = [
    ("Kvinnojouren i Stenungsund", KVINNOJOUREN, "info@kvinnojouren-stenungsund.example"),
    ("Svenska kyrkan i Stenungsund, second hand-butiken", SECOND_HAND, "secondhand@svenskakyrkan-stenungsund.example"),
    ("Svenska kyrkan i Stenungsund, Pelikanen", PELIKANEN, "pelikanen@svenskakyrkan-stenungsund.example"),
    ("Föreningen Mötesplats Stenungsund", MOTESPLATS, "info@motesplats-stenungsund.example"),
    ("Läxhjälpen i Stenungsund", LAXHJALPEN, "kontakt@laxhjalpen-stenungsund.example"),
]

USERS: list[dict[str, Any]] = [
    {"username": "sofia", "role": "officer", "municipality": MUNICIPALITY, "name": "Sofia Berg, IOP-handläggare"},
    {"username": "goran", "role": "board", "municipality": MUNICIPALITY,
     "name": "Göran Alm, kommunstyrelsens sekreterare"},
    {"username": "frida", "role": "finance", "municipality": MUNICIPALITY, "name": "Frida Nord, ekonomienheten"},
    {"username": "stig", "role": "process_owner", "municipality": MUNICIPALITY, "name": "Stig Ek, processägare"},
    {"username": "karin", "role": "organisation", "organisation": KVINNOJOUREN,
     "name": "Karin Sjö (Kvinnojouren i Stenungsund)"},
    {"username": "maria", "role": "organisation", "organisation": SECOND_HAND,
     "name": "Maria Strand (Svenska kyrkan, second hand)"},
    {"username": "peter", "role": "organisation", "organisation": PELIKANEN,
     "name": "Peter Holm (Svenska kyrkan, Pelikanen)"},
    {"username": "lisa", "role": "organisation", "organisation": MOTESPLATS,
     "name": "Lisa Wik (Föreningen Mötesplats Stenungsund)"},
    {"username": "omar", "role": "organisation", "organisation": LAXHJALPEN,
     "name": "Omar Said (Läxhjälpen i Stenungsund)"},
]


def _minute(day: date, paragraph: int) -> str:
    return f"KS {day.isoformat()} § {paragraph}"


def _first_of_next_month(day: date, months: int = 1) -> date:
    return add_months(day.replace(day=1), months)


def scenarios(today: date) -> list[AgreementCase]:
    """The demo's agreements, every date counted from `today`."""
    # Kvinnojouren: the renewed period (3 years, quarterly) ends E; its dialogue opens at E - 9 months,
    # the day before its 10th payment (start + 27 months). That payment falls on yesterday (or, when
    # the month has no such day, a day or three earlier), so both are open now.
    renewed_start = add_months(today - timedelta(days=1), -27)
    first_start = add_months(renewed_start, -36)
    renewed_start = next_period_start(first_start, 3)  # what the renewal will make of it (29 Feb)
    first_decision = first_start - timedelta(days=35)
    # the first period's renewal: dialogue held 20 days after it opens, the board's decision 28 days later
    renewal_decided = add_months(renewed_start - timedelta(days=1), -9) + timedelta(days=48)
    # second hand: the first follow-up is due one month before the first anniversary; place it a few days ahead
    second_hand_anniversary = add_months(today + timedelta(days=4), 1)
    second_hand_start = add_months(second_hand_anniversary, -12)
    # Pelikanen: the first anniversary (the payment the first follow-up gates) was five days ago
    pelikanen_anniversary = today - timedelta(days=5)
    pelikanen_start = add_months(pelikanen_anniversary, -12)
    # preparation: the board meets in a week (Läxhjälpen) and in about six weeks (Mötesplats)
    laxhjalpen_decision = today + timedelta(days=7)
    motesplats_decision = today + timedelta(days=40)
    return [
        AgreementCase(
            org_number=KVINNOJOUREN,
            interest=interest_data(
                "Kvinnojouren i Stenungsund", KVINNOJOUREN, title="Stöd, rådgivning och skyddat boende",
                description="Jourtelefon, stödsamtal och skyddat boende för våldsutsatta kvinnor och deras barn.",
                field_of_activity="individual_family_care", contact="Karin Sjö",
                email="karin@kvinnojouren-stenungsund.example"),
            decision_on=first_decision, start=first_start, years=3, yearly_amount_sek=350_000,
            interval="yearly", statistics=["individkontakter", "stödsamtal", "dygn i skyddat boende"],
            minute_reference=_minute(first_decision, 212), report_after_days=13, review_after_days=10,
            hands_off=add_months(next_period_start(renewed_start, 3) - timedelta(days=1), -9),
            renewals=[(420_000, 3, "quarterly", _minute(renewal_decided, 98))]),
        AgreementCase(
            org_number=SECOND_HAND,
            interest=interest_data(
                "Svenska kyrkan i Stenungsund, second hand-butiken", SECOND_HAND, legal_form="trossamfund",
                title="Second hand-butik med arbetsträning",
                description="Butiken tar emot och säljer skänkta varor och erbjuder arbetsträning och gemenskap.",
                field_of_activity="integration", contact="Maria Strand",
                email="maria@svenskakyrkan-stenungsund.example"),
            decision_on=second_hand_start - timedelta(days=33), start=second_hand_start, years=3,
            yearly_amount_sek=150_000, interval="yearly",
            statistics=["deltagare i arbetsträning", "unika besökare"],
            minute_reference=_minute(second_hand_start - timedelta(days=33), 187),
            hands_off=add_months(second_hand_anniversary, -2)),
        AgreementCase(
            org_number=PELIKANEN,
            interest=interest_data(
                "Svenska kyrkan i Stenungsund, Pelikanen", PELIKANEN, legal_form="trossamfund",
                title="Pelikanen – stödcentrum för barn och unga",
                description="Stödgrupper för barn och unga som växer upp med missbruk, psykisk ohälsa eller våld.",
                field_of_activity="children_youth", contact="Peter Holm",
                email="peter@svenskakyrkan-stenungsund.example"),
            decision_on=pelikanen_start - timedelta(days=21), start=pelikanen_start, years=4,
            yearly_amount_sek=600_000, interval="quarterly",
            statistics=["barn i stödgrupp", "gruppträffar", "informationsträffar"],
            minute_reference=_minute(pelikanen_start - timedelta(days=21), 121), review_after_days=10,
            hands_off=add_months(pelikanen_anniversary, -2)),
        AgreementCase(
            org_number=MOTESPLATS,
            interest=interest_data(
                "Föreningen Mötesplats Stenungsund", MOTESPLATS, title="Öppen mötesplats för äldre",
                description="Träffpunkt med luncher, promenadgrupper och digital hjälp för äldre i kommunen.",
                field_of_activity="elderly", contact="Lisa Wik", email="lisa@motesplats-stenungsund.example"),
            decision_on=motesplats_decision, start=_first_of_next_month(motesplats_decision, 2), years=3,
            yearly_amount_sek=200_000, interval="half_yearly", statistics=["besökare", "luncher"],
            minute_reference="", hands_off=today, prepare_until="economic_plan"),
        AgreementCase(
            org_number=LAXHJALPEN,
            interest=interest_data(
                "Läxhjälpen i Stenungsund", LAXHJALPEN, title="Läxhjälp och studiero för högstadieelever",
                description="Volontärer ger läxhjälp tre eftermiddagar i veckan i bibliotekets lokaler.",
                field_of_activity="children_youth", contact="Omar Said",
                email="omar@laxhjalpen-stenungsund.example"),
            decision_on=laxhjalpen_decision, start=_first_of_next_month(laxhjalpen_decision, 2), years=2,
            yearly_amount_sek=120_000, interval="yearly", statistics=["elever", "läxhjälpstillfällen"],
            minute_reference=_minute(laxhjalpen_decision, 240), hands_off=today, prepare_until="board_decision"),
    ]


DEMO = MunicipalityDemo(slug=MUNICIPALITY, process_id="stenungsund_agreement", organisations=ORGANISATIONS,
                        users=USERS, cases=scenarios)
