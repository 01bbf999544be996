"""A small browser for tests: logs in through the real form and posts forms with their CSRF token."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.models import OpenTask
from app.services import Services
from tests.conftest import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def as_form(data: dict[str, Any]) -> dict[str, str]:
    """Task data as a browser would post it."""
    out = {}
    for key, value in data.items():
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


class Browser:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, status: int = 200) -> str:
        resp = self.client.get(url)
        assert resp.status_code == status, (url, resp.status_code, text_of(resp.get_data(as_text=True))[:500])
        return resp.get_data(as_text=True)

    def token(self, page_url: str = "/login") -> str:
        found = _TOKEN.search(self.client.get(page_url, follow_redirects=True).get_data(as_text=True))
        assert found, f"no CSRF token on {page_url}"
        return found.group(1)

    def post(self, url: str, data: dict[str, Any] | None = None, *, page: str | None = None,
             files: dict[str, Any] | None = None) -> TestResponse:
        """Fetch `page` (default: the url itself) for its token, then post like the browser would."""
        form: dict[str, Any] = dict(data or {})
        form["csrf_token"] = self.token(page or url)
        for key, value in (files or {}).items():
            form[key] = value
        return self.client.post(url, data=form)

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        self.logout()
        resp = self.post("/login", {"username": username, "password": password})
        assert resp.status_code == 302, text_of(resp.get_data(as_text=True))[:300]
        return resp

    def logout(self) -> None:
        token = self.token("/login")
        self.client.post("/logout", data={"csrf_token": token})


def open_task(services: Services, case_id: int) -> OpenTask:
    with services.unit_of_work() as s:
        tasks = list(s.scalars(select(OpenTask).where(OpenTask.case_id == case_id)))
    assert len(tasks) == 1, tasks
    return tasks[0]
