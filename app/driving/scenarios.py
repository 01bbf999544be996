"""Plausible data for an agreement's tasks: the simulated organisation, its interest, every preparation step up
to the deciding body's decision, and a follow-up report. The simulation and the Stenungsund demo use it.

Each agreement process prepares in its own steps (`PREPARATIONS`, by process id: Stenungsund's, Gävle's,
Kungsbacka's); from the decision on they share one machinery, so the follow-up report and the later steps are
the same for all (app.simulation.policy)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from app.domain.agreements.requirements import CRITERIA, DOCUMENTS
from app.domain.kungsbacka import CRITERIA as KUNGSBACKA_CRITERIA
from app.domain.kungsbacka import PREREQUISITES as KUNGSBACKA_PREREQUISITES
from app.domain.orgnumber import with_check_digit

SIM_ORGANISATION = ("Simuleringsföreningen", with_check_digit("802555000"))


def interest_data(name: str, org_number: str, *, legal_form: str = "ideell_forening",
                  title: str = "Stödverksamhet", description: str = "Föreningens verksamhet.",
                  field_of_activity: str = "individual_family_care", contact: str = "Kontaktperson",
                  email: str = "kontakt@example.org") -> dict[str, Any]:
    return {"organisation_name": name, "org_number": org_number, "legal_form": legal_form,
            "activity_title": title, "description": description, "field_of_activity": field_of_activity,
            "contact_name": contact, "contact_email": email, **{key: True for key in CRITERIA}}


def preparation_steps(*, org_name: str, org_number: str, decision_on: date, start: date, years: int,
                      yearly_amount_sek: int, interval: str, statistics: list[str] | None = None,
                      interest: dict[str, Any] | None = None, minute_reference: str = "KS § 1",
                      own_funds_sek: int = 50_000, volunteer_hours: int = 1_000,
                      repayment_rule: str = "pro_rata") -> list[tuple[str, dict[str, Any]]]:
    """Plausible data for each preparation task up to and including the board's decision."""
    meeting = (decision_on - timedelta(days=60)).isoformat()
    return [
        ("interest", interest or interest_data(org_name, org_number)),
        ("dialogue", {"meeting_date": meeting, "participants": "Föreningens ordförande, kommunens handläggare",
                      "shared_goal": "En gemensam målbild för verksamheten.",
                      "shared_values": "Socialtjänstlagens värderingar.", "purpose": "Stärka målgruppen.",
                      "minutes": "Parterna enades om målbild, värdegrund och syfte.", "dialogue_complete": True}),
        ("economic_plan", {"yearly_support_sek": yearly_amount_sek, "period_start": start.isoformat(),
                           "period_years": years, "own_funds_sek": own_funds_sek,
                           "volunteer_hours_per_year": volunteer_hours, "volunteer_hour_value_sek": 250,
                           "statistics": statistics or ["individkontakter", "unika besökare"],
                           "repayment_rule": repayment_rule}),
        ("documents", {key: [] for key in DOCUMENTS}),
        ("documents_check", {f"{key}_received": True for key in DOCUMENTS}),
        ("suitability", {"capacity": "God kapacitet.", "local_development_assessment": "Bidrar tydligt.",
                         "own_resources": "Volontärer och egna lokaler.", "results_implementation": "Årlig rapport.",
                         "innovation": "Nya arbetssätt.", "suitable": True, "suitability_feedback": "Lämplig."}),
        ("board_decision", {"board_enters": True, "decision_date": decision_on.isoformat(),
                            "minute_reference": minute_reference, "payment_interval": interval}),
    ]


Steps = list[tuple[str, dict[str, Any]]]


GAVLE_DOCUMENTS = ("doc_statutes", "doc_idea_and_activity", "doc_annual_meeting_minutes", "doc_activity_report",
                   "doc_financial_report", "doc_audit_report", "doc_plan_and_board", "doc_member_count")


def gavle_preparation_steps(*, org_name: str, org_number: str, decision_on: date, start: date, years: int,
                            yearly_amount_sek: int, interval: str, statistics: list[str] | None = None,
                            minute_reference: str = "SN § 1") -> Steps:
    """Gävle's preparation up to and including the committee's decision (processes/gavle_agreement.bpmn): the
    check of principles, two idea meetings, the economic plan, the documents and the decision."""
    def meeting(days_before: int, minutes: str, done: bool, **agreed: str) -> dict[str, Any]:
        return {"meeting_held": True, "meeting_date": (decision_on - timedelta(days=days_before)).isoformat(),
                "participants": "Föreningens ordförande, kommunens handläggare", "minutes": minutes,
                "dialogue_complete": done, **agreed}

    interest = {key: value for key, value in interest_data(org_name, org_number).items() if key not in CRITERIA}
    return [
        ("interest", interest),
        ("principles", {"democratic_principles": True, "promotes_inclusion": True, "gender_equality": True,
                        "counteracts_discrimination": True, "principles_approved": True,
                        "principles_assessment": "Stadgar och styrelsens sammansättning granskade."}),
        ("dialogue", meeting(70, "Första idémötet: behoven och vad var part kan bidra med.", False)),
        ("dialogue", meeting(55, "Andra idémötet: parterna enades om mål, värdegrund och syfte.", True,
                             shared_goal="En gemensam målbild för verksamheten.",
                             shared_values="Allas lika värde och delaktighet.", purpose="Stärka målgruppen.")),
        ("economic_plan", {"yearly_support_sek": yearly_amount_sek, "period_start": start.isoformat(),
                           "period_years": years, "own_funds_sek": 50_000, "volunteer_hours_per_year": 1_000,
                           "volunteer_hour_value_sek": 250, "in_kind_resources": [],
                           "statistics": statistics or ["individkontakter", "unika besökare"],
                           "repayment_rule": "pro_rata"}),
        ("documents", {key: [] for key in GAVLE_DOCUMENTS}),
        ("documents_check", {f"{key}_status": "received" for key in GAVLE_DOCUMENTS}),
        ("committee_decision", {"board_enters": True, "decision_date": decision_on.isoformat(),
                                "minute_reference": minute_reference, "payment_interval": interval,
                                "board_feedback": "Nämnden har beslutat att ingå partnerskapet."}),
    ]


def kungsbacka_preparation_steps(*, org_name: str, org_number: str, decision_on: date, start: date, years: int,
                                 yearly_amount_sek: int, interval: str, statistics: list[str] | None = None,
                                 minute_reference: str = "GAN § 1") -> Steps:
    """Kungsbacka's preparation up to and including the committee's decision
    (processes/kungsbacka_agreement.bpmn): the proposal, the budget, the criteria, the legal review."""
    reason = "Bedömt vid dialogmötet."
    return [
        ("proposal", {"organisation_name": org_name, "org_number": org_number, "legal_form": "ideell_forening",
                      "activity_title": "Stödverksamhet", "description": "Föreningens verksamhet.",
                      "societal_challenge": "Utanförskap som ingen part kan möta ensam.",
                      "goals": "Fler i målgruppen i gemenskap.", "target_group": "Målgruppen",
                      "organisation_contribution": "Volontärer och lokal"}),
        ("budget", {"yearly_support_sek": yearly_amount_sek, "municipality_resources": "Handläggare",
                    "municipality_resources_value_sek": 0, "own_funds_sek": 50_000, "volunteer_hours_per_year": 1_000,
                    "volunteer_hour_value_sek": 250, "other_resources": "Material", "other_resources_value_sek": 0,
                    "period_start": start.isoformat(), "period_years": years,
                    "statistics": statistics or ["individkontakter", "unika besökare"], "repayment_rule": "pro_rata",
                    "economic_activity": False, "other_de_minimis": []}),
        ("criteria", {**{key: True for key in KUNGSBACKA_CRITERIA},
                      **{f"{key}_reason": reason for key in KUNGSBACKA_CRITERIA}}),
        ("legal_review", {**{key: True for key in KUNGSBACKA_PREREQUISITES},
                          **{f"{key}_reason": reason for key in KUNGSBACKA_PREREQUISITES}}),
        ("decision", {"enters": True, "decision_date": decision_on.isoformat(), "minute_reference": minute_reference,
                      "payment_interval": interval, "decision_feedback": "Nämnden ingår partnerskapet."}),
    ]


# the preparation of each agreement process up to its decision, by process id
PREPARATIONS: dict[str, Callable[..., Steps]] = {
    "stenungsund_agreement": preparation_steps,
    "gavle_agreement": gavle_preparation_steps,
    "kungsbacka_agreement": kungsbacka_preparation_steps,
}
# the minute reference of the simulated decision and renewal, by process id (the deciding body's register)
MINUTE_PREFIX = {"stenungsund_agreement": "KS", "gavle_agreement": "SN", "kungsbacka_agreement": "GAN"}


def report_data(statistics: list[str], text: str = "Verksamheten har genomförts enligt överenskommelsen.",
                scale: int = 1) -> dict[str, Any]:
    return {"income_statement": [], "balance_sheet": [], "activity_description": text,
            "statistics_values": {name: (120 + 37 * i) * scale for i, name in enumerate(statistics)}}

