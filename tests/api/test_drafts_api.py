"""PUT, GET and DELETE /api/v1/tasks/{id}/draft: the caller's own draft, the task's access rules, the caps."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.domain.accounts import add_user
from app.domain.start_data import MAX_ITEMS, MAX_TEXT
from app.models.draft import TaskDraft
from app.services import Services
from tests import falun_steps as steps
from tests.api.helpers import complete, start, task_of
from tests.conftest import ORG_A, PASSWORD, PASSWORD_HASH, Api

PARTIAL = {"activity_title": "Läxhjälp", "contact_phone": "070-123 45 67"}


def _put(client: Api, task_id: str, body: Any, lang: str = "") -> Any:
    url = f"/api/v1/tasks/{task_id}/draft" + (f"?lang={lang}" if lang else "")
    return client.client.put(url, headers=client.headers, json=body)


def _delete(client: Api, task_id: str) -> Any:
    return client.client.delete(f"/api/v1/tasks/{task_id}/draft", headers=client.headers)


def _initiative(api: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    org = api("org_a")
    case = start(org)
    complete(org, case["id"], "checklist", steps.CHECKLIST)
    return case, task_of(org, case["id"], "initiative")


def _count(services: Services) -> int:
    with services.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(TaskDraft)) or 0)


def test_put_get_delete_round_trip_without_completing(api: Any, services: Services) -> None:
    org = api("org_a")
    case, task = _initiative(api)
    assert org.get(f"/api/v1/tasks/{task['id']}/draft").status_code == 404  # no draft yet
    saved = _put(org, task["id"], {"data": PARTIAL})
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body == {"task_id": task["id"], "data": PARTIAL, "saved_at": "2026-11-23T08:00:00+00:00"}
    services.clock.advance(hours=1)  # type: ignore[attr-defined]
    assert _put(org, task["id"], {"data": {"activity_title": "Ny titel"}}).get_json()["saved_at"] \
        == "2026-11-23T09:00:00+00:00"
    got = org.get(f"/api/v1/tasks/{task['id']}/draft")
    assert got.status_code == 200 and got.get_json()["data"] == {"activity_title": "Ny titel"}
    assert task_of(org, case["id"], "initiative")["id"] == task["id"]  # still open
    assert _count(services) == 1
    assert _delete(org, task["id"]).status_code == 204
    assert org.get(f"/api/v1/tasks/{task['id']}/draft").status_code == 404
    assert _delete(org, task["id"]).status_code == 204  # nothing left to delete: still 204
    assert _count(services) == 0


def test_completion_removes_the_draft_and_later_draft_calls_are_409(api: Any, services: Services) -> None:
    org = api("org_a")
    case, task = _initiative(api)
    assert _put(org, task["id"], {"data": PARTIAL}).status_code == 200
    complete(org, case["id"], "initiative", steps.INITIATIVE)
    assert _count(services) == 0
    for resp in (org.get(f"/api/v1/tasks/{task['id']}/draft"), _put(org, task["id"], {"data": PARTIAL}),
                 _delete(org, task["id"])):
        assert resp.status_code == 409, resp.get_json()
        assert resp.get_json()["error"]["code"] == "conflict"
    assert _count(services) == 0


def test_a_colleague_has_their_own_draft_and_a_claim_keeps_others_out(api: Any, client: FlaskClient,
                                                                       services: Services) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "org_a2", PASSWORD, "organisation", organisation=ORG_A, password_hash=PASSWORD_HASH)
    org, colleague = api("org_a"), Api(client, "org_a2")
    _case, task = _initiative(api)
    assert _put(org, task["id"], {"data": PARTIAL}).status_code == 200
    assert colleague.get(f"/api/v1/tasks/{task['id']}/draft").status_code == 404
    assert _put(colleague, task["id"], {"data": {"target_group": "Unga"}}).status_code == 200
    assert org.get(f"/api/v1/tasks/{task['id']}/draft").get_json()["data"] == PARTIAL
    assert _delete(colleague, task["id"]).status_code == 204
    assert org.get(f"/api/v1/tasks/{task['id']}/draft").get_json()["data"] == PARTIAL  # only one's own
    assert org.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    refused = _put(colleague, task["id"], {"data": PARTIAL})
    assert refused.status_code == 409 and "claimed" in refused.get_json()["error"]["message"]


def test_other_organisations_and_roles_are_refused(api: Any, services: Services) -> None:
    org = api("org_a")
    _case, task = _initiative(api)
    assert _put(org, task["id"], {"data": PARTIAL}).status_code == 200
    for username in ("org_b", "lawyer", "other_officer"):
        other = api(username)
        assert other.get(f"/api/v1/tasks/{task['id']}/draft").status_code == 404, username
        assert _put(other, task["id"], {"data": PARTIAL}).status_code == 404, username
        assert _delete(other, task["id"]).status_code == 404, username
    admin = api("admin")  # sees the task, may not work on it, and never sees the organisation's draft
    assert admin.get(f"/api/v1/tasks/{task['id']}/draft").status_code == 404
    forbidden = _put(admin, task["id"], {"data": PARTIAL})
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "forbidden"
    assert _delete(admin, task["id"]).status_code == 403
    assert api("org_a").get(f"/api/v1/tasks/{task['id']}/draft").get_json()["data"] == PARTIAL
    assert _count(services) == 1
    assert org.client.put(f"/api/v1/tasks/{task['id']}/draft", json={"data": PARTIAL}).status_code == 401
    for bad in ("not-a-task", "0" * 300, "00000000-0000-0000-0000-000000000000"):
        assert _put(org, bad, {"data": PARTIAL}).status_code == 404


def test_unknown_oversized_and_wrong_values_are_refused_naming_the_field(api: Any, services: Services) -> None:
    org = api("org_a")
    _case, task = _initiative(api)
    unknown = _put(org, task["id"], {"data": {**PARTIAL, "approved": True, "amount_sek": 5}})
    assert unknown.status_code == 422
    error = unknown.get_json()["error"]
    assert "amount_sek, approved" in error["message"] and "Only the form's fields" in error["message"]
    assert set(error["fields"]) == {"approved", "amount_sek"}
    too_long = _put(org, task["id"], {"data": {"description": "x" * (MAX_TEXT + 1)}})
    assert too_long.status_code == 422
    assert too_long.get_json()["error"]["fields"] == {
        "description": "The text is too long for a draft (at most 20,000 characters)."}
    swedish = _put(org, task["id"], {"data": {"description": "x" * (MAX_TEXT + 1)}}, lang="sv")
    assert swedish.get_json()["error"]["fields"]["description"].startswith("Texten är för lång för ett utkast")
    wrong = _put(org, task["id"], {"data": {"activity_title": {"nested": "object"}, "contact_name": [1, 2]}})
    assert wrong.status_code == 422
    assert set(wrong.get_json()["error"]["fields"]) == {"activity_title", "contact_name"}
    files = _put(org, task["id"], {"data": {"attachments": [{"id": 999999, "filename": "x.pdf"}]}})
    assert files.status_code == 422 and "attachments" in files.get_json()["error"]["fields"]
    many = _put(org, task["id"], {"data": {"attachments": [{"id": i} for i in range(MAX_ITEMS + 1)]}})
    assert many.status_code == 422
    for body in ({"data": "text"}, {"data": [1]}, {"draft": PARTIAL}, [PARTIAL]):
        assert _put(org, task["id"], body).status_code == 422, body
    assert _count(services) == 0
    # nothing required, and a half-typed value is kept as text
    ok = _put(org, task["id"], {"data": {"contact_email": "anna@", "activity_title": None}})
    assert ok.status_code == 200 and ok.get_json()["data"] == {"contact_email": "anna@", "activity_title": None}


def test_attachment_references_of_the_case_are_kept(api: Any, services: Services) -> None:
    org = api("org_a")
    case, task = _initiative(api)
    upload = org.client.post(f"/api/v1/cases/{case['id']}/attachments", headers=org.headers,
                             data={"file": (io.BytesIO(b"%PDF-1.4 draft"), "plan.pdf"), "field": "attachments"},
                             content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    ref = upload.get_json()
    saved = _put(org, task["id"], {"data": {"attachments": [{"id": ref["id"]}]}})
    assert saved.status_code == 200, saved.get_json()
    [kept] = saved.get_json()["data"]["attachments"]
    assert kept["id"] == ref["id"] and kept["filename"] == "plan.pdf"


def test_the_openapi_document_describes_the_draft_operations(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    ops = doc["paths"]["/tasks/{task_id}/draft"]
    assert {ops["get"]["operationId"], ops["put"]["operationId"], ops["delete"]["operationId"]} == {
        "getTaskDraft", "saveTaskDraft", "deleteTaskDraft"}
    assert ops["put"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DraftRequest"}
    assert set(ops["put"]["responses"]) == {"200", "401", "403", "404", "409", "413", "422"}
    assert "204" in ops["delete"]["responses"]
    assert doc["components"]["schemas"]["TaskDraft"]["required"] == ["task_id", "data", "saved_at"]
