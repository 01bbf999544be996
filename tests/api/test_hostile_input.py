"""Hostile input beyond JSON bodies: content types, headers, query strings, uploads, definition files."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tests.api.helpers import start

ROOT = Path(__file__).resolve().parents[2]
LOL = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
XML_BOMB = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{LOL}]><definitions>&l9;</definitions>'.encode()
XXE = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><definitions id="&e;"/>'


def _multipart(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.client.post(url, headers=client.headers, data=data, content_type="multipart/form-data")


def test_unknown_fields_are_named_and_nothing_is_stored(api: Any) -> None:
    org = api("org_a")
    resp = org.post("/api/v1/cases", {"municipality": "falun", "organization": "802400-0005", "titel": "x"})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert set(fields) == {"organization", "titel"}
    assert "organisation" in fields["organization"]
    assert org.get("/api/v1/cases").get_json()["total"] == 0


def test_other_content_types_and_methods(api: Any) -> None:
    admin = api("admin")
    case = start(api("org_a"))
    urls = ["/api/v1/cases", f"/api/v1/cases/{case['id']}/withdraw", "/api/v1/organisations", "/api/v1/clock",
            "/api/v1/auth/token", "/api/v1/definitions", "/api/v1/validate", f"/api/v1/cases/{case['id']}/attachments"]
    sends: list[dict[str, Any]] = [
        {"data": {"municipality": "falun"}, "content_type": "application/x-www-form-urlencoded"},
        {"data": {"x": "1"}, "content_type": "multipart/form-data"},
        {"data": b"\xff\xfe\x00", "content_type": "application/json; charset=latin1"},
        {"data": b'{"municipality": "falun"}', "content_type": "text/plain"},
    ]
    for url in urls:
        for send in sends:
            resp = admin.client.post(url, headers=admin.headers, **send)
            assert resp.status_code < 500, (url, send, resp.get_json())
            assert resp.status_code >= 400 or url == "/api/v1/cases"
    # a JSON body without a JSON Content-Type still counts (curl -d sends form-urlencoded)
    assert api("org_a").client.post("/api/v1/cases", headers=api("org_a").headers,
                                     data=b'{"municipality": "falun"}', content_type="text/plain").status_code == 201
    wrong = admin.client.delete("/api/v1/cases", headers=admin.headers)
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "method_not_allowed"
    assert admin.get("/api/v1/no-such-thing").get_json()["error"]["code"] == "not_found"


def test_odd_authorization_headers_are_401(client: Any, people: Any) -> None:
    for header in ["Bearer \u00e9\u00e9", "Bearer " + "a" * 10000, "Basic YWRtaW46eA==", "Bearer", "bearer x",
                   "Bearer a.b.c", "Bearer \x00"]:
        resp = client.get("/api/v1/tasks", headers={"Authorization": header})
        assert resp.status_code == 401, header[:20]
        assert resp.get_json()["error"]["code"] == "unauthorized"


def test_odd_query_strings(api: Any) -> None:
    start(api("org_a"))
    admin = api("admin")
    for query in ["q=%00", "status=%00", "municipality=%00", "process=%00", "organisation=%00", "q=%ED%A0%80",
                  "q=%25%5F", "limit=1e3", "limit=0", "limit=%00", "offset=-1", "case_id=%00", "case_id=%C2%B2",
                  "mine=%00", "status=running&status=completed", "q=" + "x" * 5000]:
        for url in ("/api/v1/cases?", "/api/v1/tasks?", "/api/v1/users?", "/api/v1/organisations?"):
            resp = admin.get(url + query)
            assert resp.status_code in (200, 422), (url + query[:40], resp.status_code)
    # LIKE wildcards in q are taken literally enough not to match everything
    assert admin.get("/api/v1/cases?q=%25%25%25zz").get_json()["total"] == 0
    assert admin.get("/api/v1/cases?q=KS%202026").get_json()["total"] == 1


def test_odd_uploads(api: Any) -> None:
    org = api("org_a")
    case = start(org)
    url = f"/api/v1/cases/{case['id']}/attachments"
    for name, content in [("x" * 5000 + ".pdf", b"%PDF-1"), ("../../etc/passwd", b"root"), ("a.pdf", b""),
                          ("a.exe", b"MZ"), ("a.pdf", b"\x00" * 100)]:
        resp = _multipart(org, url, {"file": (io.BytesIO(content), name)})
        assert resp.status_code == 422, name[:20]
        assert "file" in resp.get_json()["error"]["fields"]
    bad_field = _multipart(org, url, {"file": (io.BytesIO(b"%PDF-1"), "a.pdf"), "field": "x\x00y"})
    assert bad_field.status_code == 422 and "field" in bad_field.get_json()["error"]["fields"]
    odd_name = _multipart(org, url, {"file": (io.BytesIO(b"%PDF-1"), "st\u00e4\x00dgar\u202e.pdf")})
    assert odd_name.status_code == 201
    assert "\x00" not in odd_name.get_json()["filename"]
    listed = org.get(f"/api/v1/cases/{case['id']}/attachments/{odd_name.get_json()['id']}")
    assert listed.status_code == 200 and listed.data == b"%PDF-1"


def test_hostile_definition_files_are_refused_with_a_reason(api: Any) -> None:
    owner = api("owner")
    before = owner.get("/api/v1/definitions").get_json()["items"]
    for name, content, expected in [("a.bpmn", XML_BOMB, "a.bpmn"), ("b.bpmn", XXE, "b.bpmn"),
                                    ("c.bpmn", b"\xff\xfe<x/>", "UTF-8"), ("d.bpmn", b"\x00", "d.bpmn"),
                                    ("e.txt", b"x", "e.txt")]:
        for url in ("/api/v1/validate", "/api/v1/definitions"):
            resp = _multipart(owner, url, {"files": [(io.BytesIO(content), name)]})
            body = resp.get_json()
            text = str(body.get("problems") or body.get("error"))
            if url == "/api/v1/definitions" or "problems" not in body:
                assert resp.status_code == 422, (url, name)
            assert expected in text, (url, name, text)
            assert "root:" not in text
    assert owner.get("/api/v1/definitions").get_json()["items"] == before


def test_a_form_with_a_remote_reference_is_refused(api: Any) -> None:
    """A remote $ref would be fetched over the network while validating a request: refused at deployment."""
    owner = api("owner")
    before = owner.get("/api/v1/definitions").get_json()["items"]
    bpmn = (ROOT / "processes" / "falun_initiative.bpmn").read_bytes()
    forms = {p.name: p.read_bytes() for p in (ROOT / "processes" / "forms").glob("falun_*.json")}
    forms["falun_checklist.json"] = b'{"type": "object", "properties": {"a": {"$ref": "http://192.0.2.1/x"}}}'
    files = [(io.BytesIO(bpmn), "falun_initiative.bpmn")] + [(io.BytesIO(c), n) for n, c in forms.items()]
    resp = _multipart(owner, "/api/v1/definitions", {"files": files})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["details"] == [{
        "file": "falun_checklist.json", "line": 1, "element_id": None, "element_name": None,
        "code": "form_remote_ref",
        "message": "the form refers to 'http://192.0.2.1/x' at properties/a: a form may only refer to its own "
                   "definitions ('#/...'); nothing is fetched over the network"}]
    assert owner.get("/api/v1/definitions").get_json()["items"] == before
