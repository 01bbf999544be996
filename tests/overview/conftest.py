"""Fixtures of the overview tests: the known data set of tests/overview/data.py and a page client."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.models import User
from app.services import Services
from tests.overview.data import Known, write_known
from tests.web.pages import Browser


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


@pytest.fixture
def known(services: Services, people: dict[str, User]) -> Known:
    return write_known(services)
