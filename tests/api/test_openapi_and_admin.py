"""The OpenAPI document covers every route; accounts, definitions and the manual clock."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask
from openapi_spec_validator import validate

from app.domain.accounts import add_user
from app.services import Services
from app.web.factory import create_app
from tests.conftest import PASSWORD, PASSWORD_HASH, Api

ROOT = Path(__file__).resolve().parents[2]


def test_openapi_validates_and_lists_every_route(app: Flask, client: Any) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                routed.add((method, path))
    assert routed == documented


def test_admin_creates_users_and_organisations(api: Any) -> None:
    admin = api("admin")
    bad = admin.post("/api/v1/organisations", {"name": "Fel", "org_number": "802400-0006"})
    assert bad.status_code == 422
    assert "check digit" in bad.get_json()["error"]["fields"]["org_number"]
    org = admin.post("/api/v1/organisations", {"name": "Ny förening", "org_number": "802017-0000"})
    assert org.status_code == 201
    user = admin.post("/api/v1/users", {"username": "ny", "password": "ett-langt-losenord", "role": "organisation",
                                        "organisation": "802017-0000"})
    assert user.status_code == 201 and user.get_json()["organisation"] == "802017-0000"
    assert api("org_a").post("/api/v1/users", {"username": "x"}).status_code == 403
    short = admin.post("/api/v1/users", {"username": "kort", "password": "kort", "role": "lawyer",
                                         "municipality": "falun"})
    assert short.get_json()["error"]["fields"] == {"password": "the password must have at least 10 characters"}


def test_definitions_deploy_and_refuse(api: Any) -> None:
    owner = api("owner")
    listed = owner.get("/api/v1/definitions").get_json()["items"]
    assert any(d["process_id"] == "falun_initiative" and d["version"] == 1 for d in listed)
    bpmn = (ROOT / "processes" / "falun_initiative.bpmn").read_bytes()
    broken = owner.client.post("/api/v1/definitions", headers=owner.headers,
                               data={"files": [(io.BytesIO(bpmn[:500]), "falun_initiative.bpmn")]},
                               content_type="multipart/form-data")
    assert broken.status_code == 422
    assert any("falun_initiative.bpmn" in p for p in broken.get_json()["error"]["fields"]["problems"])
    assert api("org_a").client.post("/api/v1/definitions", headers=api("org_a").headers,
                                    data={"files": [(io.BytesIO(bpmn), "x.bpmn")]},
                                    content_type="multipart/form-data").status_code == 403
    after = owner.get("/api/v1/definitions").get_json()["items"]
    assert len(after) == len(listed)


def test_manual_clock_moves_forward_only(api: Any) -> None:
    admin = api("admin")
    now = admin.get("/api/v1/clock").get_json()["now"]
    assert now.startswith("2026-11-23T08:00")
    moved = admin.post("/api/v1/clock", {"now": "2027-01-01T00:00:00+01:00"})
    assert moved.status_code == 200 and moved.get_json()["now"].startswith("2026-12-31T23:00")
    back = admin.post("/api/v1/clock", {"now": "2026-01-01T00:00:00+01:00"})
    assert back.status_code == 422
    assert api("org_a").post("/api/v1/clock", {"now": "2028-01-01T00:00:00+01:00"}).status_code == 403


def test_manual_clock_refuses_absurd_jumps_and_fires_timers(api: Any) -> None:
    admin = api("admin")
    far = admin.post("/api/v1/clock", {"now": "9999-12-31T23:59:59+00:00"})
    assert far.status_code == 422 and "now" in far.get_json()["error"]["fields"]
    naive = admin.post("/api/v1/clock", {"now": "2027-01-01T00:00:00"})
    assert naive.status_code == 422 and "offset" in naive.get_json()["error"]["message"]
    assert admin.get("/api/v1/clock").get_json()["now"].startswith("2026-11-23T08:00")
    # a case whose checklist is due in 30 days: moving past the due time fires what became due
    case = api("org_a").post("/api/v1/cases", {"municipality": "falun"}).get_json()
    moved = admin.post("/api/v1/clock", {"now": "2027-02-01T12:00:00+01:00"}).get_json()
    assert moved["now"] == "2027-02-01T11:00:00+00:00"
    assert isinstance(moved["fired"], int)
    task = api("org_a").get(f"/api/v1/tasks?case_id={case['id']}").get_json()["items"][0]
    assert task["overdue"] is True


def test_clock_is_404_unless_manual(services: Services, people: Any) -> None:
    settings = replace(services.settings, clock="system")
    app = create_app(settings, services=replace(services, settings=settings))
    admin = Api(app.test_client(), "admin")
    for resp in (admin.get("/api/v1/clock"), admin.post("/api/v1/clock", {"now": "2030-01-01T00:00:00+00:00"})):
        assert resp.status_code == 404
        assert resp.get_json()["error"]["code"] == "not_found"


def test_municipal_administrator_stays_in_the_municipality(api: Any, services: Services) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "falun_admin", PASSWORD, "admin", municipality="falun", password_hash=PASSWORD_HASH)
    local = api("falun_admin")
    usernames = {u["username"] for u in local.get("/api/v1/users?limit=500").get_json()["items"]}
    assert "lawyer" in usernames and "other_officer" not in usernames and "org_a" not in usernames
    boss = local.post("/api/v1/users", {"username": "boss", "password": "ett-langt-losenord", "role": "admin"})
    assert boss.status_code == 201 and boss.get_json()["municipality"] == "falun"  # no global administrator
    for body in ({"username": "sten", "password": "ett-langt-losenord", "role": "officer",
                  "municipality": "stenungsund"},
                 {"username": "rep", "password": "ett-langt-losenord", "role": "organisation",
                  "organisation": "802400-0005"}):
        resp = local.post("/api/v1/users", body)
        assert resp.status_code == 403, body
    made = local.post("/api/v1/users", {"username": "ny_handlaggare", "password": "ett-langt-losenord",
                                        "role": "officer"})
    assert made.status_code == 201 and made.get_json()["municipality"] == "falun"
    everyone = api("admin").get("/api/v1/users?limit=500").get_json()
    assert everyone["total"] == len(everyone["items"])
    assert not {"sten", "rep"} & {u["username"] for u in everyone["items"]}


def test_staff_and_organisations_see_their_own_accounts(api: Any) -> None:
    officer = api("officer").get("/api/v1/users?limit=500").get_json()["items"]
    assert {u["municipality"] for u in officer} == {"falun"}
    own = api("org_a").get("/api/v1/users").get_json()
    assert [u["username"] for u in own["items"]] == ["org_a"] and own["total"] == 1
    orgs = api("org_a").get("/api/v1/organisations").get_json()["items"]
    assert [o["org_number"] for o in orgs] == ["802400-0005"]
    assert api("lawyer").post("/api/v1/organisations", {"name": "X", "org_number": "802017-0000"}).status_code == 403
    created = api("officer").post("/api/v1/organisations", {"name": "Ny", "org_number": "8020170000",
                                                            "email": "ny@example.org"})
    assert created.status_code == 201 and created.get_json()["org_number"] == "802017-0000"
    again = api("officer").post("/api/v1/organisations", {"name": "Ny", "org_number": "802017-0000"})
    assert again.status_code == 422 and "org_number" in again.get_json()["error"]["fields"]
