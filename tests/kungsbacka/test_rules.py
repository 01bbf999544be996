"""Kungsbacka's rules without the engine: who took the initiative, the messages, the joint budget."""

from __future__ import annotations

from app.domain import kungsbacka
from tests.kungsbacka import steps


def test_who_took_the_initiative() -> None:
    assert kungsbacka.initiative_by("organisation") == "organisation"
    assert kungsbacka.initiative_by(None) == "organisation"  # a case started by the system, an import
    assert kungsbacka.initiative_by("officer") == "municipality"


def test_every_criterion_and_prerequisite_not_met_is_named_with_its_reason() -> None:
    answers = {**steps.CRITERIA_MET, "crit_goals": False, "crit_goals_reason": "Inget mål i området.",
               "crit_challenge": False, "crit_challenge_reason": "Ingen politisk prioritering."}
    result = kungsbacka.criteria_result(answers)
    assert result["ok"] is False and len(result["unmet"]) == 2
    assert "kommunens mål inom området (Inget mål i området.)" in result["message"]
    assert "politiska prioriteringar (Ingen politisk prioritering.)" in result["message"]
    assert kungsbacka.criteria_result(steps.CRITERIA_MET) == {"ok": True, "unmet": [], "message": ""}
    failed = kungsbacka.prerequisites_result({**steps.PREREQUISITES_MET, "pre_mutual": None})
    assert failed["ok"] is False and "ömsesidig samverkansrelation" in failed["message"]  # no answer: not met


def test_the_budget_counts_every_party_and_refuses_one_that_brings_nothing() -> None:
    plan = {**steps.BUDGET, "organisation_name": "Föreningen Gemenskap"}
    result = kungsbacka.budget(plan, max_years=5)
    assert result["ok"] and [p["total_sek"] for p in result["parties"]] == [550000, 300000, 110000]
    assert result["total_sek"] == 960000
    nothing = {**plan, "parties": [{"name": "Stödcentrum", "org_number": steps.PARTNER, "money_sek": 0}],
               "period_years": 7}
    refused = kungsbacka.budget(nothing, max_years=5)
    assert not refused["ok"]
    assert refused["problems"] == ["Stödcentrum: partens bidrag i pengar eller andra resurser måste synas i budgeten.",
                                   "Avtalstiden är högst 5 år."]
    company = {**plan, "parties": [{"name": "AB", "org_number": "556677-8899", "money_sek": 5}]}
    assert "aktiebolag" in kungsbacka.budget(company, max_years=5)["message"] or \
        "inte giltigt" in kungsbacka.budget(company, max_years=5)["message"]
