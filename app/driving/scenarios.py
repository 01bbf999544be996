"""Plausible data for an agreement's tasks: the simulated organisation, its interest, every preparation step up
to the board's decision, and a follow-up report. The simulation and the Stenungsund demo use it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.domain.agreements.requirements import CRITERIA, DOCUMENTS
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


def report_data(statistics: list[str], text: str = "Verksamheten har genomförts enligt överenskommelsen.",
                scale: int = 1) -> dict[str, Any]:
    return {"income_statement": [], "balance_sheet": [], "activity_description": text,
            "statistics_values": {name: (120 + 37 * i) * scale for i, name in enumerate(statistics)}}

