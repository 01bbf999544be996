"""A Stenungsund case that has run for more than a year: decided, paid, reported, returned, held."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app.models import User
from app.services import Services
from tests.stenungsund import steps
from tests.web.pages import Browser


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


def run_a_year(services: Services) -> int:
    """Decision in November 2025, payment 1 paid, the year-1 report returned once: payment 2 is held."""
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.RETURN)
    steps.advance(services, "2027-01-01")
    return case_id


@pytest.fixture
def long_case(services: Services, people: Any) -> int:
    return run_a_year(services)
