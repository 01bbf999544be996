"""Every answer the API gives matches what /openapi.json documents for that path, method and status."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from tests import falun_steps as steps
from tests.api.helpers import BRANCHES
from tests.conftest import Api

ROOT = Path(__file__).resolve().parents[2]


class Checked(Api):
    """An Api client that validates each JSON answer against the OpenAPI document."""

    def __init__(self, client: FlaskClient, username: str, doc: dict[str, Any], seen: set[str]) -> None:
        super().__init__(client, username)
        self.doc = doc
        self.seen = seen
        self.routes = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
                       for path in doc["paths"]]

    def check(self, method: str, url: str, resp: Any) -> Any:
        path = url.split("?")[0][len("/api/v1"):]
        template = next(t for pattern, t in self.routes if pattern.match(path))
        operation = self.doc["paths"][template][method.lower()]
        answer = operation["responses"].get(str(resp.status_code))
        assert answer is not None, f"{method} {template} answered an undocumented {resp.status_code}"
        if "$ref" in answer:
            answer = self.doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
        schema = answer["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": self.doc["components"]})
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(resp.get_json())]
        assert not errors, (method, template, resp.status_code, errors[:5])
        self.seen.add(f"{method} {template} {resp.status_code}")
        return resp

    def get(self, url: str, **kw: Any) -> Any:
        return self.check("GET", url, super().get(url, **kw))

    def post(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.check("POST", url, super().post(url, json, **kw))

    def upload(self, url: str, data: dict[str, Any]) -> Any:
        resp = self.client.post(url, headers=self.headers, data=data, content_type="multipart/form-data")
        return self.check("POST", url, resp)


@pytest.fixture
def checked(client: FlaskClient, people: Any) -> Any:
    doc = client.get("/api/v1/openapi.json").get_json()
    seen: set[str] = set()

    def make(username: str) -> Checked:
        return Checked(client, username, doc, seen)

    make.seen = seen  # type: ignore[attr-defined]
    return make


def _task(client: Checked, case_id: int, name: str) -> dict[str, Any]:
    items = client.get(f"/api/v1/tasks?case_id={case_id}").get_json()["items"]
    return dict(next(t for t in items if t["name"] == name))


@pytest.mark.parametrize("branch", sorted(BRANCHES))
def test_falun_branches_answer_as_documented(checked: Any, branch: str) -> None:
    clients = {name: checked(name) for name in ("org_a", "lawyer", "officer")}
    case = clients["org_a"].post("/api/v1/cases", {"municipality": "falun"}).get_json()
    for name, actor, data in BRANCHES[branch][0]:
        task = _task(clients[actor], case["id"], name)
        clients[actor].get(f"/api/v1/tasks/{task['id']}")
        case = clients[actor].post(f"/api/v1/tasks/{task['id']}/complete", {"data": data}).get_json()
        clients["org_a"].get(f"/api/v1/cases/{case['id']}")
    assert case["status"] == "completed"


def test_every_other_answer_is_documented(app: Flask, checked: Any) -> None:
    org, lawyer, admin, owner = checked("org_a"), checked("lawyer"), checked("admin"), checked("owner")
    case = org.post("/api/v1/cases", {"municipality": "falun"}).get_json()
    assert org.post("/api/v1/cases", {"municipality": "nowhere"}).status_code in (404, 422)
    assert org.post("/api/v1/cases", {"municipality": "falun", "x": 1}).status_code == 422
    task = _task(org, case["id"], "checklist")
    org.post(f"/api/v1/tasks/{task['id']}/claim")
    org.post(f"/api/v1/tasks/{task['id']}/unclaim")
    lawyer.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.CHECKLIST})
    org.post(f"/api/v1/tasks/{task['id']}/complete", {"data": {}})
    org.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.CHECKLIST})
    org.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.CHECKLIST})  # 409
    org.get("/api/v1/tasks/nonexistent")
    org.get("/api/v1/cases?status=running&q=KS&limit=5")
    org.get("/api/v1/cases?limit=0")
    ref = org.upload(f"/api/v1/cases/{case['id']}/attachments",
                     {"file": (io.BytesIO(b"%PDF-1.4"), "stadgar.pdf")}).get_json()
    org.upload(f"/api/v1/cases/{case['id']}/attachments", {"file": (io.BytesIO(b"MZ"), "stadgar.pdf")})
    assert org.client.get(f"/api/v1/cases/{case['id']}/attachments/{ref['id']}",
                          headers=org.headers).status_code == 200
    lawyer.post(f"/api/v1/cases/{case['id']}/withdraw", {"reason": "x"})
    org.post(f"/api/v1/cases/{case['id']}/withdraw", {"reason": "Vi avstår."})
    org.post(f"/api/v1/cases/{case['id']}/withdraw", {"reason": "igen"})
    checked("org_b").get(f"/api/v1/cases/{case['id']}")
    for client in (org, admin):
        client.get("/api/v1/users")
        client.get("/api/v1/organisations")
    org.post("/api/v1/users", {"username": "x"})
    admin.post("/api/v1/users", {"username": "kort", "password": "kort", "role": "lawyer"})
    admin.post("/api/v1/users", {"username": "ny_jurist", "password": "ett-langt-losenord", "role": "lawyer",
                                 "municipality": "falun", "email": "j@example.org", "name": "Ny Jurist"})
    admin.post("/api/v1/organisations", {"name": "Fel", "org_number": "802400-0006"})
    admin.post("/api/v1/organisations", {"name": "Ny", "org_number": "802017-0000"})
    org.post("/api/v1/organisations", {"name": "Ny", "org_number": "802017-0000"})
    owner.get("/api/v1/definitions")
    bpmn = (ROOT / "processes" / "falun_initiative.bpmn").read_bytes()
    owner.upload("/api/v1/validate", {"files": [(io.BytesIO(bpmn[:400]), "falun_initiative.bpmn")]})
    owner.upload("/api/v1/definitions", {"files": [(io.BytesIO(bpmn[:400]), "falun_initiative.bpmn")]})
    org.upload("/api/v1/definitions", {"files": [(io.BytesIO(bpmn), "falun_initiative.bpmn")]})
    admin.get("/api/v1/clock")
    admin.post("/api/v1/clock", {"now": "2027-01-01T00:00:00+01:00"})
    admin.post("/api/v1/clock", {"now": "2020-01-01T00:00:00+01:00"})
    org.post("/api/v1/clock", {"now": "2028-01-01T00:00:00+01:00"})
    statuses = {entry.rsplit(" ", 1)[1] for entry in checked.seen}
    assert statuses >= {"200", "201", "403", "404", "409", "422"}
    anonymous = app.test_client().get("/api/v1/cases")
    assert anonymous.status_code == 401
    Draft202012Validator({"$ref": "#/components/schemas/Error", "components": org.doc["components"]}).validate(
        anonymous.get_json())
