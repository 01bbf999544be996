"""Stenungsund's entry requirements: the criteria, no companies, and the eight documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.domain.orgnumber import InvalidOrgNumber, normalise_org_number

# form field -> the criterion as Stenungsund's guidelines word it
CRITERIA: dict[str, str] = {
    "own_initiative": "Verksamheten sker på initiativ av den idéburna organisationen",
    "realises_vision": "Verksamheten förverkligar Vision 2035, strategiska planen eller andra politiska beslut",
    "not_association_grant": "Verksamheten är inte en del av det normerade föreningsbidraget",
    "no_market": "Det finns ingen marknad eller konkurrenssituation att vårda",
    "both_finance": "Båda parterna finansierar verksamheten",
    "not_detail_regulated": "Verksamheten detaljregleras inte av kommunen",
    "long_term": "Verksamheten avses drivas under en längre tid",
    "local_development": "Verksamheten bidrar till lokal utveckling och delaktighet",
    "independent_actor": "Organisationen förblir en fri och självständig aktör, inte underleverantör",
    "social_services_values": "Verksamheten följer socialtjänstlagens värderingar och svensk lag",
}

# form field -> document name (Stenungsund's list, in its order)
DOCUMENTS: dict[str, str] = {
    "doc_statutes": "Stadgar",
    "doc_idea_and_activity": "Beskrivning av föreningens verksamhetsidé och ordinarie verksamhet",
    "doc_annual_meeting_minutes": "Årsmötesprotokoll",
    "doc_activity_report": "Verksamhetsberättelse",
    "doc_financial_report": "Ekonomisk berättelse med bokslut",
    "doc_audit_report": "Revisionsberättelse",
    "doc_plan_and_board": "Verksamhetsplan och styrelseförteckning",
    "doc_member_count": "Uppgift om medlemsantal",
}

# first digit of an organisation number -> kind of company (Skatteverket's numbering)
COMPANY_PREFIXES: dict[str, str] = {"5": "aktiebolag", "9": "handelsbolag eller kommanditbolag"}
COMPANY_LEGAL_FORMS = ("aktiebolag", "handelsbolag")


def company_kind(org_number: str, legal_form: str | None = None) -> str | None:
    """What kind of company the organisation is, or None for a possible idea-based organisation."""
    digits = org_number.strip().replace("-", "")
    if digits[:1] in COMPANY_PREFIXES:
        return COMPANY_PREFIXES[digits[:1]]
    if legal_form in COMPANY_LEGAL_FORMS:
        return legal_form
    return None


def company_refusal(org_number: str, legal_form: str | None = None) -> str | None:
    kind = company_kind(org_number, legal_form)
    if kind is None:
        return None
    return (f"Stenungsunds kommun tecknar inte idéburet offentligt partnerskap med företag. "
            f"Organisationsnummer {org_number} tillhör ett {kind}; intresseanmälan kan därför inte tas emot.")


def unmet_criteria(answers: Mapping[str, Any]) -> list[str]:
    return [text for key, text in CRITERIA.items() if answers.get(key) is not True]


def missing_documents(received: Mapping[str, Any]) -> list[str]:
    """The documents not yet marked received, by name, in the guidelines' order."""
    return [name for key, name in DOCUMENTS.items() if received.get(f"{key}_received") is not True]


def missing_documents_message(missing: list[str]) -> str:
    if not missing:
        return ""
    return ("Följande handlingar saknas och måste lämnas in innan lämplighetsbedömningen kan göras: "
            + "; ".join(missing) + ".")


def party_problems(parties: list[Mapping[str, Any]]) -> list[str]:
    """Check the parties of an agreement: valid organisation numbers, no companies, no duplicates."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, party in enumerate(parties, start=1):
        name = str(party.get("name") or f"part {i}")
        try:
            number = normalise_org_number(str(party.get("org_number") or ""))
        except InvalidOrgNumber:
            problems.append(f"{name}: organisationsnumret är inte giltigt (kontrollsiffran stämmer inte).")
            continue
        if number in seen:
            problems.append(f"{name}: organisationen finns redan med som part.")
        seen.add(number)
        refusal = company_kind(number)
        if refusal:
            problems.append(f"{name}: ett {refusal} kan inte vara part i ett IOP.")
    return problems
