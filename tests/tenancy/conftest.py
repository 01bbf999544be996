"""A shared service of several municipalities: people with roles in more than one, and cases in Falun and Gävle.

Gävle's registration numbers get a prefix of their own here ("GVL"), so that a Gävle number on a Falun page is
told apart from a Falun number (every municipality numbers "KS {year}/{seq}" by default)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.municipal_settings import configure, settings_of
from app.domain import memberships
from app.domain.accounts import add_user, municipality_by_slug, user_by_username
from app.models import Case, Municipality, User
from app.services import Services
from tests import falun_steps as steps
from tests.api.helpers import driver
from tests.conftest import PASSWORD, Api

GAVLE_FORMAT = "GVL {year}/{seq:04d}"


@dataclass
class Tenancy:
    """The cases of each municipality (ids and registration numbers) and what identifies them."""

    cases: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    organisation: dict[str, str] = field(default_factory=dict)  # municipality -> the only organisation with cases

    def ids(self, municipality: str) -> list[int]:
        return [c["id"] for c in self.cases[municipality]]

    def numbers(self, municipality: str) -> list[str]:
        return [c["registration_number"] for c in self.cases[municipality]]


def _case_at(api: Any, org: str, municipality: str, lawyer: str | None, officer: str | None = None,
             **headers: str) -> dict[str, Any]:
    """A case of the Falun process in `municipality`, started by `org`, with the organisation's two steps done,
    then the lawyer's (when `lawyer` names one) and the officer's (when `officer` does)."""
    party = api(org)
    fields = {} if municipality == "falun" else {"process": "falun_initiative"}
    case = driver(party).start(municipality, **fields)
    for name, data in (("checklist", steps.CHECKLIST), ("initiative", steps.INITIATIVE)):
        case = driver(party).complete(case["id"], name, data)
    if lawyer:
        case = driver(_with(api(lawyer), headers)).complete(case["id"], "legal_assessment", steps.LEGAL_OK)
    if officer:
        case = driver(_with(api(officer), headers)).complete(case["id"], "department_decision", steps.DEPT_YES)
    return case


def _with(client: Api, headers: dict[str, str]) -> Api:
    client.headers.update(headers)
    return client


@pytest.fixture
def tenancy(services: Services, people: dict[str, User], password_hash: str, client: FlaskClient) -> Tenancy:
    """Besides `people` (Falun's staff, a Stenungsund officer, an installation administrator):
    - multi: officer in Falun (their own), lawyer in Gävle (a further membership);
    - admin_falun, admin_gavle: administrators of one municipality; gavle_officer, gavle_owner: Gävle's staff;
    - Falun: two cases of org_a (at the officer's decision, at the lawyer's assessment);
    - Gävle: two cases of org_b (at the lawyer's assessment, at the officer's decision);
    - in each, a third case through the whole happy path (an agreement)."""
    with services.unit_of_work() as s:
        gavle = s.scalar(select(Municipality).where(Municipality.slug == "gavle"))
        assert gavle is not None
        gavle.registration_format = GAVLE_FORMAT
        # the cases here run Falun's process in Gävle too (its steps are the ones tests/falun_steps.py fills in)
        offered = settings_of(gavle)
        configure(gavle, replace(offered, processes=(*offered.processes, "falun_initiative")))

        def user(username: str, role: str, municipality: str) -> User:
            return add_user(s, services.clock, username, PASSWORD, role, municipality=municipality,
                            password_hash=password_hash, email=f"{username}@example.se")

        user("multi", "officer", "falun")
        user("admin_falun", "admin", "falun")
        user("admin_gavle", "admin", "gavle")
        user("gavle_officer", "officer", "gavle")
        user("gavle_owner", "process_owner", "gavle")
        memberships.grant(s, user_by_username(s, "multi"), "lawyer", municipality_by_slug(s, "gavle"))

    def api(username: str) -> Api:
        return Api(client, username)

    gavle_lawyer = {"X-IOP-Municipality": "gavle"}
    made = Tenancy(organisation={"falun": "Föreningen Gemenskap", "gavle": "Stödcentrum"})
    made.cases["falun"] = [_case_at(api, "org_a", "falun", "lawyer"), _case_at(api, "org_a", "falun", None)]
    made.cases["gavle"] = [_case_at(api, "org_b", "gavle", None),
                           _case_at(api, "org_b", "gavle", "multi", **gavle_lawyer)]
    # one agreement each, through the whole happy path: agreements, payments, documents to leak
    actors = {"falun": {"org_a": ("org_a", {}), "lawyer": ("lawyer", {}), "officer": ("officer", {})},
              "gavle": {"org_a": ("org_b", {}), "lawyer": ("multi", gavle_lawyer), "officer": ("gavle_officer", {})}}
    for slug, cast in actors.items():
        case = driver(api(cast["org_a"][0])).start(slug, **({} if slug == "falun" else {"process": "falun_initiative"}))
        for name, actor, data in steps.HAPPY_PATH:
            username, headers = cast[actor]
            case = driver(_with(api(username), headers)).complete(case["id"], name, data)
        made.cases[slug].append(case)
    with services.unit_of_work() as s:
        for case in made.cases["gavle"]:
            stored = s.get(Case, case["id"])
            assert stored is not None and stored.registration_number.startswith("GVL ")
    return made
