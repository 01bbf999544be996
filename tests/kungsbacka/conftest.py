"""Kungsbacka's staff on top of the shared people (organisations org_a and org_b, Falun's staff)."""

from __future__ import annotations

from typing import Any

import pytest

from app.models import User
from app.services import Services
from tests.kungsbacka import steps


@pytest.fixture
def kb_people(services: Services, people: dict[str, User], password_hash: str) -> dict[str, Any]:
    steps.add_people(services, password_hash)
    return people
