"""Fixtures for the page tests: a browser-like client and a Falun case driven through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.models import Case, User
from app.services import Services
from tests.web.pages import Browser, as_form, open_task


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


class Flow:
    """Walks one Falun case through the pages, logged in as whoever acts."""

    def __init__(self, browser: Browser, services: Services) -> None:
        self.browser = browser
        self.services = services
        self.case_id = 0

    def start(self, username: str = "org_a") -> int:
        self.browser.login(username)
        resp = self.browser.post("/portal/new", {"municipality": "falun"})
        assert resp.status_code == 302
        with self.services.unit_of_work() as s:
            case = s.scalars(select(Case).order_by(Case.id.desc())).first()
            assert case is not None
            self.case_id = case.id
        task = open_task(self.services, self.case_id)
        assert resp.headers["Location"].endswith(f"/tasks/{task.id}")  # straight to the first task
        return self.case_id

    def step(self, username: str, name: str, data: dict[str, Any]) -> None:
        self.browser.login(username)
        task = open_task(self.services, self.case_id)
        assert task.name == name
        page = self.browser.get(f"/tasks/{task.id}")
        assert 'name="csrf_token"' in page
        resp = self.browser.post(f"/tasks/{task.id}", as_form(data))
        assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]

    def case(self) -> Case:
        with self.services.unit_of_work() as s:
            case = s.get(Case, self.case_id)
            assert case is not None
            return case


@pytest.fixture
def flow(browser: Browser, services: Services) -> Flow:
    return Flow(browser, services)
