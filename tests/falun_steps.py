"""Valid data for every Falun task, shared by engine, API and browser tests."""

from __future__ import annotations

from typing import Any

CHECKLIST = {key: True for key in (
    "no_market", "own_initiative", "not_ordered", "not_grant", "shared_values", "solve_together",
    "both_finance", "long_term", "follow_up")}
INITIATIVE = {"activity_title": "Språkcafé", "description": "Volontärer håller språkcafé.",
              "target_group": "Nyanlända", "contact_name": "Anna Ek", "contact_email": "anna@example.org"}
LEGAL_OK = {"iop_right_form": True, "motivation": "IOP passar."}
LEGAL_WRONG = {"iop_right_form": False, "alternative_form": "procurement",
               "motivation": "Kommunen köper en tjänst; det ska upphandlas."}
DEPT_YES = {"department": "Kultur- och fritidsförvaltningen", "set_up_iop": True,
            "feedback_to_organisation": "Vi går vidare med ett IOP."}
DEPT_NO = {"department": "Kultur- och fritidsförvaltningen", "set_up_iop": False,
           "feedback_to_organisation": "Vi har inte budget i år."}
DRAFT = {"agreement_purpose": "Minska ensamhet.", "period_start": "2027-01-01", "period_end": "2029-12-31",
         "municipal_contribution_sek": 150000, "organisation_contribution": "800 volontärtimmar per år"}
REVIEW_OK = {"draft_accepted": True}
REVIEW_CHANGES = {"draft_accepted": False, "change_requests": "Vi vill ha längre period."}
FINAL_OK = {"agreement_legally_correct": True, "review_comments": "Avtalet är korrekt."}
FINAL_FIX = {"agreement_legally_correct": False, "review_comments": "Paragraf 4 saknar uppsägningstid."}
CORRECTION = {"correction_notes": "Uppsägningstid tillagd."}

HAPPY_PATH: list[tuple[str, str, dict[str, Any]]] = [
    ("checklist", "org_a", CHECKLIST),
    ("initiative", "org_a", INITIATIVE),
    ("legal_assessment", "lawyer", LEGAL_OK),
    ("department_decision", "officer", DEPT_YES),
    ("draft_agreement", "officer", DRAFT),
    ("review_draft", "org_a", REVIEW_OK),
    ("final_review", "lawyer", FINAL_OK),
]
