"""Demo data for Falun: the roles' users, two organisations and initiatives at each step, dated from today
(loaded by app.demo.loader)."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.core.calendar import add_months
from app.demo.initiative import StepsCase
from app.demo.municipality import MunicipalityDemo
from app.domain.agreements.payments import period_end

ORGANISATIONS = [
    ("Föreningen Gemenskap i Falun", "802400-0005", "kontakt@gemenskap-falun.example"),
    ("Stödcentrum Dalarna", "802470-0000", "info@stodcentrum.example"),
]

# Only roles that Falun's process gives work: it has no board or finance step, so no such demo user
# (a user with nothing to see would only confuse a first look); the admin can add them when Falun needs them.
USERS: list[dict[str, Any]] = [
    {"username": "anna", "role": "organisation", "organisation": "802400-0005", "name": "Anna Ek (Gemenskap i Falun)"},
    {"username": "bo", "role": "organisation", "organisation": "802470-0000", "name": "Bo Lind (Stödcentrum Dalarna)"},
    {"username": "lena", "role": "lawyer", "municipality": "falun", "name": "Lena Berg, stadsjurist"},
    {"username": "olle", "role": "officer", "municipality": "falun", "name": "Olle Sand, handläggare"},
    {"username": "pia", "role": "process_owner", "municipality": "falun", "name": "Pia Dahl, processägare"},
    {"username": "admin", "role": "admin", "name": "Administratör"},
]

CHECKLIST_ALL_YES = {key: True for key in (
    "no_market", "own_initiative", "not_ordered", "not_grant", "shared_values", "solve_together",
    "both_finance", "long_term", "follow_up")}

INITIATIVE = {
    "activity_title": "Språkcafé och läxhjälp för nyanlända",
    "description": "Volontärer håller språkcafé två kvällar i veckan och läxhjälp för barn i årskurs 4-9.",
    "target_group": "Nyanlända vuxna och barn i Falun",
    "contact_name": "Anna Ek",
    "contact_email": "anna.ek@gemenskap-falun.example",
    "contact_phone": "070-123 45 67",
}


def _draft(purpose: str, today: date, amount: int, contribution: str) -> dict[str, Any]:
    """A draft agreement starting on the first of the month three months from `today`, for three years."""
    start = add_months(today.replace(day=1), 3)
    return {"agreement_purpose": purpose, "period_start": start.isoformat(),
            "period_end": period_end(start, 3).isoformat(), "municipal_contribution_sek": amount,
            "organisation_contribution": contribution}


BO = {"contact_name": "Bo Lind", "contact_email": "bo.lind@stodcentrum.example"}
LEGAL_OK = {"iop_right_form": True, "motivation": "Verksamheten är inte upphandlingspliktig och bygger på "
            "föreningens eget initiativ."}
DEPARTMENT_YES = {"department": "Omsorgsförvaltningen", "set_up_iop": True,
                  "feedback_to_organisation": "Vi vill gärna upprätta ett IOP med er."}


def falun_cases(today: date) -> list[StepsCase]:
    """Falun's initiatives, one at each step worth showing, every date counted from `today`."""
    seniors = _draft("Minska ofrivillig ensamhet bland äldre.", today, 250_000,
                     "Lokal, 1 200 volontärtimmar per år")
    homework = _draft("Fler nyanlända barn klarar skolans mål.", today, 180_000,
                      "Volontärer, 800 timmar per år")
    choir = _draft("Gemenskap genom sång för personer med demens och deras anhöriga.", today, 90_000,
                   "Körledare och lokal")
    begun = [("checklist", CHECKLIST_ALL_YES)]
    return [
        # new: the organisation has begun and not yet sent its checklist
        StepsCase("802400-0005", 1, []),
        # at the legal assessment (lena)
        StepsCase("802400-0005", 9, [*begun, ("initiative", INITIATIVE)]),
        # at the department's decision (olle)
        StepsCase("802470-0000", 21, [*begun, ("initiative", {**INITIATIVE, **BO,
                                                              "activity_title": "Stödgrupper för unga anhöriga"}),
                                      ("legal_assessment", LEGAL_OK)]),
        # a draft for the organisation to review (bo)
        StepsCase("802470-0000", 48, [*begun, ("initiative", {**INITIATIVE, **BO,
                                                              "activity_title": "Mötesplats för seniorer"}),
                                      ("legal_assessment", LEGAL_OK), ("department_decision", DEPARTMENT_YES),
                                      ("draft_agreement", seniors)]),
        # at the final legal review (lena)
        StepsCase("802400-0005", 62, [*begun, ("initiative", {**INITIATIVE, "activity_title": "Läxhjälp i Slätta"}),
                                      ("legal_assessment", LEGAL_OK), ("department_decision", DEPARTMENT_YES),
                                      ("draft_agreement", homework),
                                      ("review_draft", {"draft_accepted": True})]),
        # decided: the agreement is legally approved
        StepsCase("802470-0000", 90, [*begun, ("initiative", {**INITIATIVE, **BO,
                                                              "activity_title": "Kör för personer med demens"}),
                                      ("legal_assessment", LEGAL_OK), ("department_decision", DEPARTMENT_YES),
                                      ("draft_agreement", choir),
                                      ("review_draft", {"draft_accepted": True}),
                                      ("final_review", {"agreement_legally_correct": True,
                                                        "review_comments": "Avtalet är juridiskt korrekt."})]),
        # decided: ended, IOP was the wrong contract form
        StepsCase("802400-0005", 30, [*begun, ("initiative", {**INITIATIVE, "activity_title": "Sommarlovsaktiviteter"}),
                                      ("legal_assessment", {"iop_right_form": False,
                                                            "alternative_form": "association_grant",
                                                            "motivation": "Kortvarig aktivitet som passar som "
                                                                          "föreningsbidrag."})]),
    ]


DEMO = MunicipalityDemo(slug="falun", process_id="falun_initiative", organisations=ORGANISATIONS, users=USERS,
                        cases=falun_cases)
