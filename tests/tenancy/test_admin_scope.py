"""An administrator of Gävle manages Gävle only: users and memberships, settings, cases, incidents, overview and
exports of Falun stay out of reach. A process owner in two municipalities deploys a municipality's processes only
while acting there."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.statuses import CaseStatus
from app.domain import memberships
from app.domain.accounts import municipality_by_slug, user_by_username
from app.models import Case, Membership, User
from app.services import Services
from tests.api.test_definition_owner import bundle, upload, versions
from tests.conftest import Api
from tests.tenancy.conftest import Tenancy
from tests.web.pages import Browser, text_of

FALUN_ONLY = {"lawyer", "officer", "officer2", "board", "finance", "owner", "admin_falun"}


def _membership(services: Services, username: str, slug: str) -> int:
    with services.unit_of_work() as s:
        rows = s.scalars(select(Membership).join(User, User.id == Membership.user_id)
                         .where(User.username == username)).all()
        return next(m.id for m in rows if m.municipality.slug == slug)


def test_gavle_administrator_sees_and_manages_gavle_people_only(tenancy: Tenancy, client: FlaskClient,
                                                                services: Services) -> None:
    admin = Api(client, "admin_gavle")
    names = {u["username"] for u in admin.get("/api/v1/users?limit=500").get_json()["items"]}
    assert {"admin_gavle", "gavle_officer", "gavle_owner", "multi"} <= names  # multi: lawyer in Gävle too
    assert not names & (FALUN_ONLY | {"other_officer", "org_a", "org_b", "admin"})
    # creating Falun's staff or an organisation's representative: refused
    for body in ({"username": "x1", "password": "long-enough-pw", "role": "officer", "municipality": "falun"},
                 {"username": "x2", "password": "long-enough-pw", "role": "organisation",
                  "organisation": "802400-0005"}):
        assert admin.post("/api/v1/users", body).status_code == 403
    # memberships: only Gävle's are listed; Falun's can be neither granted nor revoked
    listed = admin.get("/api/v1/memberships?limit=500").get_json()["items"]
    assert listed and {m["municipality"] for m in listed} == {"gavle"}
    assert admin.get("/api/v1/memberships?municipality=falun").status_code == 403
    assert admin.post("/api/v1/memberships", {"username": "lawyer", "role": "board",
                                              "municipality": "falun"}).status_code == 403
    falun_row = _membership(services, "officer", "falun")
    assert client.delete(f"/api/v1/memberships/{falun_row}", headers=admin.headers).status_code == 404
    with services.unit_of_work() as s:
        assert s.get(Membership, falun_row) is not None
    # Falun's administrator cannot take multi's Gävle role away either
    gavle_row = _membership(services, "multi", "gavle")
    assert client.delete(f"/api/v1/memberships/{gavle_row}",
                         headers=Api(client, "admin_falun").headers).status_code == 404
    # granting a Gävle role to a Falun person: theirs to give; the person then lists among Gävle's users
    granted = admin.post("/api/v1/memberships", {"username": "board", "role": "board"})
    assert granted.status_code == 201, granted.get_json()
    assert granted.get_json()["municipality"] == "gavle"
    assert "board" in {u["username"] for u in admin.get("/api/v1/users?limit=500").get_json()["items"]}
    assert admin.post("/api/v1/memberships", {"username": "nobody", "role": "board"}).status_code == 422
    assert admin.post("/api/v1/memberships", {"username": "org_a", "role": "board"}).status_code == 422
    assert admin.post("/api/v1/memberships", {"username": "board", "role": "mayor"}).status_code == 422
    own = _membership(services, "gavle_officer", "gavle")
    assert client.delete(f"/api/v1/memberships/{own}", headers=admin.headers).status_code == 422  # their own
    resp = client.delete(f"/api/v1/memberships/{granted.get_json()['id']}", headers=admin.headers)
    assert resp.status_code == 204
    assert "board" not in {u["username"] for u in admin.get("/api/v1/users?limit=500").get_json()["items"]}
    # staff do not manage memberships
    assert Api(client, "gavle_officer").get("/api/v1/memberships").status_code == 403


def test_gavle_administrator_cannot_reach_falun_cases_incidents_overview_or_exports(
        tenancy: Tenancy, client: FlaskClient, services: Services) -> None:
    falun_case = tenancy.ids("falun")[1]
    with services.unit_of_work() as s:
        case = s.get(Case, falun_case)
        assert case is not None
        case.status = CaseStatus.FAILED
        case.summary = {**case.summary, "incident": {
            "at": services.clock.now().isoformat(), "task": None, "step": "Bedömning", "code": "script",
            "params": {"step": "Bedömning"}, "detail": "FALUN-ONLY-DETAIL"}}
    admin = Api(client, "admin_gavle")
    assert admin.get(f"/api/v1/cases/{falun_case}").status_code == 404
    for action in ("retry", "skip", "suspend", "cancel"):
        resp = admin.post(f"/api/v1/cases/{falun_case}/{action}", {"reason": "test"})
        assert resp.status_code in (403, 404), (action, resp.status_code)
    with services.unit_of_work() as s:
        stored = s.get(Case, falun_case)
        assert stored is not None and stored.status == CaseStatus.FAILED
    falun_numbers = tenancy.numbers("falun")
    for url in ("/api/v1/cases?limit=500", "/api/v1/cases?municipality=falun", "/api/v1/cases?format=csv",
                "/api/v1/cases?format=csv&municipality=falun", "/api/v1/agreements?municipality=falun",
                "/api/v1/payments?format=csv"):
        text = admin.get(url).get_data(as_text=True)
        assert not any(n in text for n in falun_numbers), url
    browser = Browser(client)
    browser.login("admin_gavle")
    for url in ("/admin/", "/admin/?municipality=falun", "/cases/", "/cases/?municipality=falun",
                "/cases/export.csv", "/cases/export.csv?municipality=falun", "/payments.csv", "/tasks/"):
        resp = client.get(url)
        assert resp.status_code < 500, url
        text = resp.get_data(as_text=True)
        assert not any(n in text for n in falun_numbers) and "FALUN-ONLY-DETAIL" not in text, url
    overview = text_of(browser.get("/admin/"))
    assert "GVL 2026/" in overview or "Gävle" in overview  # it is Gävle's overview
    # settings: Falun's agreement template is not Gävle's administrator's to change
    token = browser.token("/processes/agreement-templates/falun")
    resp = client.post("/processes/agreement-templates/falun", data={"text": "x", "csrf_token": token})
    assert resp.status_code == 403


def test_process_owner_in_two_municipalities_deploys_only_where_acting(
        tenancy: Tenancy, client: FlaskClient, services: Services) -> None:
    """Stenungsund's process belongs to Stenungsund: a person who is process owner in Gävle and in
    Stenungsund deploys it only while acting in Stenungsund."""
    with services.unit_of_work() as s:
        memberships.grant(s, user_by_username(s, "gavle_owner"), "process_owner",
                          municipality_by_slug(s, "stenungsund"))
    owner = Api(client, "gavle_owner")
    before = versions(services)
    refused = upload(owner, "/api/v1/definitions", bundle())
    assert refused.status_code == 403, refused.get_json()
    assert versions(services) == before
    owner.headers["X-IOP-Municipality"] = "stenungsund"
    done = upload(owner, "/api/v1/definitions", bundle())
    assert done.status_code == 201, done.get_json()
    assert versions(services) == [*before, before[-1] + 1]
    owner.headers["X-IOP-Municipality"] = "falun"
    assert upload(owner, "/api/v1/definitions", bundle("Annat namn")).status_code == 403


def test_membership_rows_follow_the_accounts(tenancy: Tenancy, services: Services, client: Any) -> None:
    """Every municipal account has its own role as a membership; organisations and the installation's
    administrator have none."""
    with services.unit_of_work() as s:
        for username in ("officer", "admin_gavle", "multi"):
            person = user_by_username(s, username)
            assert memberships.holds(s, person.id, person.role, person.municipality_id or 0)
        for username in ("org_a", "admin"):
            assert memberships.of_user(s, user_by_username(s, username).id) == []
