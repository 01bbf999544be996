"""No data crosses between municipalities: with cases in Falun (A) and Gävle (B), every GET endpoint of the API
(walked from the OpenAPI document) and every GET page, called by Falun's people (and by a person who also holds
a role in Gävle, acting in Falun), shows no registration number, organisation or case id of Gävle.

Each path is called with Gävle's ids in its path parameters and, besides plainly, with query parameters that
ask for Gävle (municipality, q, case_id, organisation, format=csv). A route added later is walked too: the test
reads the routes, it does not list them. A crossing introduced anywhere fails it, naming the URL and the leak."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.statuses import CaseStatus
from app.models import Case, Membership, OpenTask, Organisation, User
from app.services import Services
from tests.conftest import ORG_B, Api
from tests.tenancy.conftest import Tenancy
from tests.web.pages import Browser

pytestmark = pytest.mark.slow  # whole-process walks: `make check` leaves them to `make check-all` and CI

WALKERS = ("multi", "admin_falun", "owner", "lawyer", "finance", "board")
INCIDENT_MARK = "GAVLE-ONLY-INCIDENT-DETAIL"
# Installation-wide by law, not a crossing: de minimis aid to one organisation is summed over every municipality
# of the installation (app/web/api/state_aid.py; staff of any municipality may read it).
ALLOWED = ("/organisations/{org_id}/state-aid",)
# pages that are no staff page or answer the same to anybody
SKIPPED_PAGES = ("/login", "/logout", "/login/oidc", "/login/oidc/callback", "/login/oidc/logged-out",
                 "/calendar/<token>.ics", "/static/<path:filename>", "/ui/static/<path:filename>")


class Secrets:
    """What marks Gävle's data."""

    def __init__(self, services: Services, tenancy: Tenancy) -> None:
        self.case_ids = tenancy.ids("gavle")
        self.words = [*tenancy.numbers("gavle"), tenancy.organisation["gavle"], ORG_B, INCIDENT_MARK]
        with services.unit_of_work() as s:
            self.task_ids = [t for t in s.scalars(select(OpenTask.id).where(OpenTask.case_id.in_(self.case_ids)))]
            self.org_id = s.scalar(select(Organisation.id).where(Organisation.org_number == ORG_B))
            self.membership_ids = list(s.scalars(select(Membership.id).join(User, User.id == Membership.user_id)
                                                 .where(User.username.in_(("admin_gavle", "gavle_officer")))))
        self.id_patterns = [re.compile(p) for i in self.case_ids
                            for p in (rf"/cases/{i}(?!\d)", rf'"case_id":\s*{i}(?!\d)', rf"case_id={i}(?!\d)")]

    def leaks(self, text: str, url: str = "") -> list[str]:
        text = _without_echo(text, url)
        found = [w for w in self.words if w in text]
        found += [p.pattern for p in self.id_patterns if p.search(text)]
        try:
            found += [f"case {i}" for i in _case_ids_in(json.loads(text)) if i in self.case_ids]
        except ValueError:
            pass
        return found


def _without_echo(text: str, url: str) -> str:
    """The answer without the request's own address and query values echoed in form fields (the language
    switcher's `next`, a search box's value): they are what the caller sent, not data."""
    if not url:
        return text
    query = urlsplit(url).query
    echoes = [f'value="{html.escape(url)}"', f'value="{url}"']  # the whole address first, then its parts
    if query:  # the saved-filter form and the CSV link carry the list's own query
        echoes += [f'value="{html.escape(query)}"', f'?{html.escape(query)}"']
    echoes += [f'value="{html.escape(value)}"' for _, value in parse_qsl(query)]
    for echo in echoes:
        text = text.replace(echo, 'value=""')
    return text


def _case_ids_in(value: Any) -> Iterator[int]:
    """Case ids in a JSON answer: `case_id` anywhere, and the `id` of an object that is a case."""
    if isinstance(value, dict):
        if isinstance(value.get("case_id"), int):
            yield value["case_id"]
        if "registration_number" in value and isinstance(value.get("id"), int) and "case_id" not in value:
            yield value["id"]
        for item in value.values():
            yield from _case_ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _case_ids_in(item)


@pytest.fixture
def secrets(services: Services, tenancy: Tenancy) -> Secrets:
    """Gävle's second case has failed (an incident with a detail only Gävle may read)."""
    with services.unit_of_work() as s:
        case = s.get(Case, tenancy.ids("gavle")[1])
        assert case is not None
        case.status = CaseStatus.FAILED
        case.summary = {**case.summary, "incident": {
            "at": services.clock.now().isoformat(), "task": None, "step": "Beslut", "code": "script",
            "params": {"step": "Beslut"}, "detail": INCIDENT_MARK}}
    return Secrets(services, tenancy)


def _values(name: str, secrets: Secrets, tenancy: Tenancy) -> list[str]:
    """What to put in a path parameter: Gävle's, and one of Falun's so that the page itself is reached."""
    if name == "case_id":
        return [str(i) for i in secrets.case_ids] + [str(tenancy.ids("falun")[2])]
    if name == "task_id":
        return [str(i) for i in secrets.task_ids]
    if name == "org_id":
        return [str(secrets.org_id)]
    if name == "membership_id":
        return [str(i) for i in secrets.membership_ids]
    if name == "slug":
        return ["gavle", "falun"]
    return ["1"]


QUERIES = ("", "?municipality=gavle", "?q=GVL", "?q=St%C3%B6dcentrum", "?organisation=" + ORG_B,
           "?format=csv", "?municipality=gavle&format=csv")


def _expand(path: str, secrets: Secrets, tenancy: Tenancy) -> list[str]:
    names = re.findall(r"[{<](?:[^:>}]+:)?([^>}]+)[>}]", path)
    urls = [path]
    for name in names:
        urls = [re.sub(r"[{<](?:[^:>}]+:)?" + re.escape(name) + r"[>}]", value, u, count=1)
                for u in urls for value in _values(name, secrets, tenancy)]
    if "case_id" in names:  # also with the query of Gävle's case id where a list takes one
        return [u + q for u in urls for q in ("", "?format=csv")]
    return [u + q for u in urls for q in (*QUERIES, f"?case_id={secrets.case_ids[0]}")]


def test_api_shows_no_data_of_another_municipality(client: FlaskClient, tenancy: Tenancy,
                                                   secrets: Secrets) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    paths = [p for p, ops in doc["paths"].items() if "get" in ops and p not in ALLOWED]
    assert len(paths) >= 15  # the walk reaches the API at all
    problems: list[str] = []
    reached = 0
    for username in WALKERS:
        caller = Api(client, username)
        for path in paths:
            for url in _expand("/api/v1" + path, secrets, tenancy):
                resp = caller.get(url)
                text = resp.get_data(as_text=True)
                if resp.status_code >= 500:
                    problems.append(f"{username} {url}: {resp.status_code}")
                reached += resp.status_code == 200
                problems += [f"{username} {url}: {leak}" for leak in secrets.leaks(text, url)]
    assert reached > 100
    assert not problems, "\n".join(problems[:40])


def test_pages_show_no_data_of_another_municipality(app: Flask, client: FlaskClient, tenancy: Tenancy,
                                                    secrets: Secrets) -> None:
    rules = sorted({r.rule for r in app.url_map.iter_rules()
                    if "GET" in (r.methods or ()) and not r.rule.startswith(("/api/", "/static"))
                    and r.rule not in SKIPPED_PAGES and r.endpoint != "static"})
    assert len(rules) >= 25
    browser = Browser(client)
    problems: list[str] = []
    reached = 0
    for username in WALKERS:
        browser.login(username)
        for rule in rules:
            for url in _expand(rule, secrets, tenancy):
                resp = client.get(url)
                if resp.status_code >= 500:
                    problems.append(f"{username} {url}: {resp.status_code}")
                reached += resp.status_code == 200
                problems += [f"{username} {url}: {leak}" for leak in secrets.leaks(resp.get_data(as_text=True), url)]
    assert reached > 100
    assert not problems, "\n".join(problems[:40])


def test_the_walk_sees_a_crossing(client: FlaskClient, tenancy: Tenancy, secrets: Secrets) -> None:
    """The check itself: Gävle's own administrator does see what the walks look for."""
    gavle = Api(client, "admin_gavle")
    text = gavle.get("/api/v1/cases?limit=500").get_data(as_text=True)
    assert secrets.leaks(text)
    browser = Browser(client)
    browser.login("admin_gavle")
    assert secrets.leaks(client.get(f"/cases/{secrets.case_ids[1]}").get_data(as_text=True))
    assert INCIDENT_MARK in client.get(f"/cases/{secrets.case_ids[1]}").get_data(as_text=True) or \
        secrets.leaks(client.get("/admin/").get_data(as_text=True))
