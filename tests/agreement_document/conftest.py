"""A browser-like client for the page tests (tests/web/pages.py), with the usual people."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from app.models import User
from tests.web.pages import Browser


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)
