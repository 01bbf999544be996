"""The statistics a follow-up report holds are the ones the agreement names: others refused, missing ones named.

Checked at task completion (the engine's validate_form gets the task's data), so the page and the API
alike refuse; the agreement here names its statistics in both shapes (a name, a named number with a unit)."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.errors import InvalidData
from app.services import Services
from tests.stenungsund import steps

PLAN = dict(steps.PLAN, statistics=["individkontakter", {"label": "unika personer", "unit": "personer"}])


def _to_report(services: Services) -> int:
    case_id = steps.to_decision(services, plan=PLAN)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    assert steps.names(services, case_id) == ["report"]
    return case_id


def test_a_report_with_an_unnamed_statistic_and_one_missing_is_refused_naming_both(
        services: Services, people: Any) -> None:
    case_id = _to_report(services)
    bad = dict(steps.REPORT, statistics_values={"individkontakter": 340, "besökare": 12})
    with pytest.raises(InvalidData) as refused:
        steps.complete(services, case_id, "report", bad)
    fields = refused.value.fields
    assert fields["statistics_values[besökare]"].startswith("”besökare” är inte en av uppgifterna")
    assert fields["statistics_values[unika personer]"] == "Fyll i ett värde för ”unika personer”."
    assert steps.names(services, case_id) == ["report"]
    huge = dict(steps.REPORT, statistics_values={"individkontakter": 10**30, "unika personer": 85})
    with pytest.raises(InvalidData) as too_big:  # a count, not any number a keyboard can hold
        steps.complete(services, case_id, "report", huge)
    assert "100" in too_big.value.fields["statistics_values[individkontakter]"]
    good = dict(steps.REPORT, statistics_values={"individkontakter": 340, "unika personer": 85})
    steps.complete(services, case_id, "report", good)
    assert "report" not in steps.names(services, case_id)


def test_nested_errors_have_plain_messages_at_their_place(services: Services, people: Any) -> None:
    case_id = steps.to_decision(services, plan=None)
    assert case_id
    import json
    from pathlib import Path

    from jsonschema import Draft202012Validator

    from app.engine.forms import validate_form

    schema = json.loads(Path("processes/forms/stenungsund_economic_plan.json").read_text(encoding="utf-8"))
    data = dict(PLAN, parties=[{"name": "A", "org_number": "802400-0005"}, {"name": "B", "org_number": "12"}],
                statistics=[])
    with pytest.raises(InvalidData) as refused:
        validate_form(schema, Draft202012Validator(schema), data, "sv")
    assert refused.value.fields["parties[1][org_number]"] == "Texten har fel form. Skriv till exempel 802400-0005."
    assert refused.value.fields["statistics"] == "Lägg till minst en rad."
    with pytest.raises(InvalidData) as english:
        validate_form(schema, Draft202012Validator(schema), data, "en")
    assert english.value.fields["statistics"] == "Add at least one row."
