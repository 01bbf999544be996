"""Every branch of Kungsbacka's preparation through the engine, as the people holding each task."""

from __future__ import annotations

from typing import Any

from app.services import Services
from tests.kungsbacka import steps


def test_organisation_initiative_goes_straight_to_its_description(services: Services, kb_people: Any) -> None:
    case_id = steps.start_by_organisation(services)
    assert steps.names(services, case_id) == ["proposal"]
    steps.to_decision(services, case_id)
    assert steps.names(services, case_id) == ["decision"]


def test_officer_initiative_first_describes_then_invites(services: Services, kb_people: Any) -> None:
    case_id = steps.start_by_officer(services)
    assert steps.names(services, case_id) == ["municipal_initiative"]
    steps.complete(services, case_id, "municipal_initiative", steps.INITIATIVE, "kb_officer")
    assert steps.names(services, case_id) == ["proposal"]
