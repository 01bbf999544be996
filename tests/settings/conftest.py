"""Fixtures of the settings tests: administrators of two municipalities and a page client."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.domain.accounts import add_user
from app.models import User
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.web.pages import Browser


@pytest.fixture
def admins(services: Services, people: dict[str, User]) -> None:
    """st_admin administers Stenungsund, fa_admin Falun, st_owner is Stenungsund's process owner."""
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_admin", PASSWORD, "admin", municipality="stenungsund",
                 display_name="Sara Admin", password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "fa_admin", PASSWORD, "admin", municipality="falun", password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "st_owner", PASSWORD, "process_owner", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)


@pytest.fixture
def browser(client: FlaskClient, admins: None) -> Browser:
    return Browser(client)
