"""The OpenAPI document covers every route; accounts, definitions and the manual clock."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from flask import Flask
from openapi_spec_validator import validate

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
