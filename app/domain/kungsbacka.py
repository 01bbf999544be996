"""Kungsbacka's rules for IOP: who took the initiative, the six criteria, the seven general prerequisites and
the joint budget in which every party's contribution is visible (processes/kungsbacka_agreement.bpmn calls
these through handlers/kungsbacka.py).

The officer assesses each criterion and the lawyer each prerequisite with a yes/no and a reason; a criterion
not met or a prerequisite failed stops the case, and the organisation reads which and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.agreements.requirements import party_problems
from app.i18n.formats import sek

# form field -> the criterion as Kungsbacka words it; the reason is in the field `<key>_reason`
CRITERIA: dict[str, str] = {
    "crit_goals": "Samarbetet stärker förutsättningarna att nå kommunens mål inom området",
    "crit_capacity": "Alla parter har förutsättningar att genomföra, utvärdera och utveckla insatsen",
    "crit_challenge": "Partnerskapet utgår från en gemensam samhällsutmaning i linje med kommunens politiska "
                      "prioriteringar",
    "crit_shared_goals": "Parterna är överens om och har samsyn på mål och målgrupp",
    "crit_co_financed": "Partnerskapet finansieras tillsammans och alla parters bidrag syns i budgeten",
    "crit_added_value": "Partnerskapet skapar mervärde för målgruppen",
}

# form field -> the general prerequisite; the reason is in the field `<key>_reason`
PREREQUISITES: dict[str, str] = {
    "pre_local_government_act": "Partnerskapet är förenligt med kommunallagen",
    "pre_state_aid": "Partnerskapet är förenligt med EU:s statsstödsregler",
    "pre_not_purchase": "Partnerskapet är inte ett köp av tjänst eller verksamhet",
    "pre_not_basic_funding": "Partnerskapet är inte grundfinansiering av organisationen (föreningsbidrag)",
    "pre_not_detail_regulated": "Partnerskapet detaljregleras inte av kommunen",
    "pre_mutual": "Partnerskapet är skrivet som en samfinansierad och ömsesidig samverkansrelation",
    "pre_long_term": "Partnerskapet avses pågå länge och utvecklas genom gemensam uppföljning",
}

MUNICIPALITY_NAME = "Kungsbacka kommun"


def initiative_by(starter_role: str | None) -> str:
    """Who took the initiative: "municipality" when staff started the case, else "organisation"."""
    return "organisation" if starter_role in (None, "organisation") else "municipality"


def _reason(answers: Mapping[str, Any], key: str) -> str:
    return str(answers.get(f"{key}_reason") or "").strip()


def _unmet(answers: Mapping[str, Any], items: dict[str, str]) -> list[str]:
    unmet = []
    for key, text in items.items():
        if answers.get(key) is not True:
            reason = _reason(answers, key)
            unmet.append(f"{text} ({reason})" if reason else text)
    return unmet


def criteria_result(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The officer's assessment: ok when all six criteria are met, else the message to the organisation."""
    unmet = _unmet(answers, CRITERIA)
    message = ("Kungsbacka kommun ingår inte partnerskapet: följande kriterier är inte uppfyllda: "
               + "; ".join(unmet) + ".") if unmet else ""
    return {"ok": not unmet, "unmet": unmet, "message": message}


def prerequisites_result(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The lawyer's check: ok when all seven prerequisites hold, else the message to the organisation."""
    failed = _unmet(answers, PREREQUISITES)
    message = ("Partnerskapet kan inte ingås eftersom följande allmänna grundförutsättningar inte är uppfyllda: "
               + "; ".join(failed) + ".") if failed else ""
    return {"ok": not failed, "failed": failed, "message": message}


def _amount(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    return 0


def budget(plan: Mapping[str, Any], max_years: int) -> dict[str, Any]:
    """Every party's yearly contribution (money and other resources valued in kronor) and the problems that
    keep the budget from being a joint one: a party bringing nothing, an invalid party, too long a period."""
    municipality: dict[str, Any] = {
        "name": MUNICIPALITY_NAME, "kind": "municipality",
        "money_sek": _amount(plan.get("yearly_support_sek")),
        "resources_value_sek": _amount(plan.get("municipality_resources_value_sek")),
        "resources": str(plan.get("municipality_resources") or ""),
    }
    volunteer_value = _amount(plan.get("volunteer_hours_per_year")) * _amount(plan.get("volunteer_hour_value_sek"))
    organisation: dict[str, Any] = {
        "name": str(plan.get("organisation_name") or "Organisationen"), "kind": "organisation",
        "money_sek": _amount(plan.get("own_funds_sek")),
        "resources_value_sek": volunteer_value + _amount(plan.get("other_resources_value_sek")),
        "resources": str(plan.get("other_resources") or ""),
        "volunteer_hours": _amount(plan.get("volunteer_hours_per_year")), "volunteer_value_sek": volunteer_value,
    }
    others: list[dict[str, Any]] = [
        {"name": str(p.get("name") or ""), "kind": "party", "org_number": str(p.get("org_number") or ""),
         "money_sek": _amount(p.get("money_sek")), "resources_value_sek": _amount(p.get("resources_value_sek")),
         "resources": str(p.get("resources") or "")}
        for p in list(plan.get("parties") or []) if isinstance(p, Mapping)]
    parties = [municipality, organisation, *others]
    problems = party_problems(list(plan.get("parties") or []))
    for party in parties:
        party["total_sek"] = party["money_sek"] + party["resources_value_sek"]
        if party["total_sek"] <= 0:
            problems.append(f"{party['name'] or 'En part'}: partens bidrag i pengar eller andra resurser "
                            "måste synas i budgeten.")
    years = _amount(plan.get("period_years"))
    if not 1 <= years <= max_years:
        problems.append(f"Avtalstiden är högst {max_years} år.")
    return {"ok": not problems, "problems": problems, "message": " ".join(problems), "parties": parties,
            "total_sek": sum(p["total_sek"] for p in parties), "summary": summary(parties)}


def summary(parties: list[dict[str, Any]]) -> str:
    """Every party's yearly contribution in one text (the agreement keeps it with the organisation's resources):
    'Kungsbacka kommun: 300 000 kr i pengar och handläggare (värde 250 000 kr) per år. …'"""
    sentences = []
    for party in parties:
        parts = [f"{sek(party['money_sek'])} i pengar"] if party["money_sek"] else []
        volunteers = party.get("volunteer_value_sek") or 0
        if party.get("volunteer_hours"):
            parts.append(f"{party['volunteer_hours']} volontärtimmar (värde {sek(volunteers)})")
        other = party["resources_value_sek"] - volunteers
        if other or party["resources"]:
            parts.append(f"{party['resources'] or 'andra resurser'} (värde {sek(other)})")
        listed = ", ".join(parts[:-1]) + " och " + parts[-1] if len(parts) > 1 else "".join(parts)
        sentences.append(f"{party['name']}: {listed or 'inget bidrag'} per år.")
    return " ".join(sentences)
