"""Nothing a caller can send gives a 500; every error is JSON in the documented shape."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.api.helpers import start, task_of

NASTY_BODIES: list[Any] = [None, "", "null", "[]", "123", '"text"', "{", '{"data": 5}', '{"data": []}',
                           '{"data": {"no_market": "yes"}}', '{"municipality": ["falun"]}',
                           '{"municipality": "nowhere"}', '{"reason": 42}', '{"now": "yesterday"}',
                           '{"username": {"a": 1}, "password": null}', '{"org_number": "12"}',
                           '{"role": "emperor", "username": "x y", "password": "short"}', "\u0000\u00ff",
                           # what Python's json module lets through but no database stores
                           '{"data": {"municipal_contribution_sek": NaN}}', '{"municipality": "falun", "x": Infinity}',
                           '{"data": {"municipal_contribution_sek": 1e400}}', '{"now": -Infinity}',
                           '{"data": {"municipal_contribution_sek": ' + "9" * 5000 + "}}",
                           '{"data": {"municipal_contribution_sek": 123456789012345678901234567890}}',
                           '{"municipality": "\\ud800"}', '{"username": "\\ud800", "password": "\\udfff"}',
                           '{"reason": "\\udc00"}', '{"name": "\\ud800", "org_number": "802017-0000"}',
                           '{"data": {"activity_title": "\\ud800"}}', '{"data": {"\\ud800": 1}}',
                           '{"data": {"activity_title": "a\\u0000b"}}', '{"now": "9999-12-31T23:59:59+00:00"}',
                           "[" * 100000, '{"a":' * 5000 + "1" + "}" * 5000, '{"data": ' + "[" * 40 + "]" * 40 + "}",
                           '{"municipality": "falun", "organisation": 5, "typo": true}',
                           '{"data": {"' + "k" * 100000 + '": 1}}', b"\xff\xfe{}", b"\xef\xbb\xbf{}"]
IDS = ["0", "-1", "99999999999999999999", "abc", "%00", "1e9", "a" * 300, "\u00b2", "%EF%BC%91", "\u0661",
       "%ED%A0%80", "1%20", "..", "%2F"]


def _routes(case_id: int, task_id: str) -> list[tuple[str, str]]:
    return [
        ("POST", "/api/v1/auth/token"), ("GET", "/api/v1/tasks"), ("GET", f"/api/v1/tasks/{task_id}"),
        ("POST", f"/api/v1/tasks/{task_id}/claim"), ("POST", f"/api/v1/tasks/{task_id}/unclaim"),
        ("POST", f"/api/v1/tasks/{task_id}/complete"), ("POST", "/api/v1/cases"), ("GET", "/api/v1/cases"),
        ("GET", f"/api/v1/cases/{case_id}"), ("POST", f"/api/v1/cases/{case_id}/withdraw"),
        ("POST", f"/api/v1/cases/{case_id}/attachments"), ("GET", "/api/v1/users"), ("POST", "/api/v1/users"),
        ("GET", "/api/v1/organisations"), ("POST", "/api/v1/organisations"), ("GET", "/api/v1/definitions"),
        ("POST", "/api/v1/definitions"), ("POST", "/api/v1/validate"), ("GET", "/api/v1/clock"),
        ("POST", "/api/v1/clock"),
    ]


@pytest.mark.parametrize("who", ["org_a", "admin"])
def test_nasty_bodies_never_500(api: Any, people: dict[str, Any], who: str) -> None:
    case = start(api("org_a"))
    task = task_of(api("org_a"), case["id"], "checklist")
    client = api(who)
    for method, url in _routes(case["id"], task["id"]):
        for body in NASTY_BODIES:
            resp = client.client.open(url, method=method, headers=client.headers, data=body,
                                      content_type="application/json")
            assert resp.status_code < 500, (method, url, body, resp.get_json())
            if resp.status_code >= 400:
                assert set(resp.get_json()["error"]) >= {"code", "message"}
    # none of it was stored: still one case, with only the organisation's start event
    assert api("admin").get("/api/v1/cases").get_json()["total"] == 1
    history = api("org_a").get(f"/api/v1/cases/{case['id']}").get_json()["history"]
    assert [e["kind"] for e in history if e["kind"] not in ("task_claimed", "task_unclaimed")] == ["case_started"]
    assert api("admin").get("/api/v1/users").get_json()["total"] == len(people)
    assert api("admin").get("/api/v1/organisations").get_json()["total"] == 2


def test_nasty_ids_and_queries_never_500(api: Any) -> None:
    client = api("officer")
    for raw in IDS:
        for url in (f"/api/v1/cases/{raw}", f"/api/v1/tasks/{raw}", f"/api/v1/cases?limit={raw}",
                    f"/api/v1/cases?offset={raw}&q={raw}", f"/api/v1/tasks?case_id={raw}",
                    f"/api/v1/cases/{raw}/attachments/{raw}"):
            resp = client.get(url)
            assert resp.status_code in (200, 404, 422), (url, resp.status_code)


def test_uploads_are_checked(api: Any) -> None:
    org = api("org_a")
    case = start(org)
    fake = org.client.post(f"/api/v1/cases/{case['id']}/attachments", headers=org.headers,
                           data={"file": (io.BytesIO(b"MZ not a pdf"), "stadgar.pdf")},
                           content_type="multipart/form-data")
    assert fake.status_code == 422
    assert "stadgar.pdf" in fake.get_json()["error"]["message"]
    real = org.client.post(f"/api/v1/cases/{case['id']}/attachments", headers=org.headers,
                           data={"file": (io.BytesIO(b"%PDF-1.4 tiny"), "stadgar.pdf")},
                           content_type="multipart/form-data")
    assert real.status_code == 201
    ref = real.get_json()
    got = org.get(f"/api/v1/cases/{case['id']}/attachments/{ref['id']}")
    assert got.status_code == 200 and got.data == b"%PDF-1.4 tiny"
    assert api("org_b").get(f"/api/v1/cases/{case['id']}/attachments/{ref['id']}").status_code == 404
    # the reference goes into an attachment field of the form
    from tests import falun_steps as steps
    from tests.api.helpers import complete

    complete(org, case["id"], "checklist", steps.CHECKLIST)
    done = complete(org, case["id"], "initiative", dict(steps.INITIATIVE, attachments=[ref]))
    assert done["current_step"] == "Bedöm om IOP är rätt avtalsform"
