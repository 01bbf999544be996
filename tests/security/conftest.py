"""Fixtures of the security tests: Kungsbacka's staff, an administrator for Kungsbacka and for Gävle, and Gävle's
staff logged in to the API."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.accounts import add_user
from app.driving.case_driver import set_clock
from app.models import User
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.kungsbacka import steps
from tests.stenungsund.steps import midnight


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


@pytest.fixture
def gavle_users(services: Services, people: dict[str, User], api: Any) -> dict[str, Any]:
    """Gävle's officer, board and finance and org_a (the organisation of tests.gavle.steps.ORG), logged in to the
    API; the clock on 2025-09-25, after the idea meetings of tests.gavle.steps."""
    staff = {"gv_officer": "officer", "gv_board": "board", "gv_finance": "finance"}
    with services.unit_of_work() as s:
        for username, role in staff.items():
            add_user(s, services.clock, username, PASSWORD, role, municipality="gavle", password_hash=PASSWORD_HASH)
    set_clock(services, midnight("2025-09-25"))
    return {name: api(name) for name in staff} | {"gv_org": api("org_a")}
