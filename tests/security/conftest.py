"""Fixtures of the security tests: Kungsbacka's staff and an administrator for Kungsbacka and for Gävle."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.accounts import add_user
from app.models import User
from app.services import Services
from tests.conftest import PASSWORD
from tests.kungsbacka import steps


@pytest.fixture
def kb_people(services: Services, people: dict[str, User], password_hash: str) -> dict[str, Any]:
    """The shared people, Kungsbacka's staff, kb_admin (Kungsbacka), ga_admin and ga_officer (Gävle)."""
    steps.add_people(services, password_hash)
    with services.unit_of_work() as s:
        add_user(s, services.clock, "kb_admin", PASSWORD, "admin", municipality="kungsbacka",
                 password_hash=password_hash)
        add_user(s, services.clock, "ga_admin", PASSWORD, "admin", municipality="gavle", password_hash=password_hash)
        add_user(s, services.clock, "ga_officer", PASSWORD, "officer", municipality="gavle",
                 password_hash=password_hash)
    return people
