"""GET /api/v1/cases: filters and paging, only over the cases the caller may see."""

from __future__ import annotations

from typing import Any

from tests.api.helpers import start


def _ids(client: Any, query: str) -> list[int]:
    resp = client.get(f"/api/v1/cases?{query}")
    assert resp.status_code == 200, resp.get_json()
    return [c["id"] for c in resp.get_json()["items"]]


def test_filters_and_paging(api: Any) -> None:
    a1, a2 = start(api("org_a")), start(api("org_a"))
    b1 = start(api("org_b"))
    api("org_a").post(f"/api/v1/cases/{a1['id']}/withdraw", {"reason": "Vi avstår."})
    officer = api("officer")
    assert _ids(officer, "") == [b1["id"], a2["id"], a1["id"]]  # newest first
    assert _ids(officer, "status=completed") == [a1["id"]]
    assert _ids(officer, "status=running") == [b1["id"], a2["id"]]
    assert _ids(officer, "organisation=802470-0000") == [b1["id"]]
    assert _ids(officer, "municipality=falun&process=falun_initiative") == [b1["id"], a2["id"], a1["id"]]
    assert _ids(officer, "process=stenungsund_agreement") == []
    assert _ids(officer, "municipality=stenungsund") == []
    assert _ids(officer, f"q={a2['registration_number'].replace(' ', '%20')}") == [a2["id"]]
    assert _ids(officer, "q=gemenskap") == [a2["id"], a1["id"]]  # the title holds the organisation's name
    assert _ids(officer, "q=%25") == [] and _ids(officer, "q=_") == [] and _ids(officer, "q=%5C") == []
    page = officer.get("/api/v1/cases?limit=2&offset=1").get_json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [c["id"] for c in page["items"]] == [a2["id"], a1["id"]]
    bad = officer.get("/api/v1/cases?limit=501&offset=-1")
    assert bad.status_code == 422 and {"limit", "offset"} <= set(bad.get_json()["error"]["fields"])
    # the same filters never reach past what the caller may see
    assert _ids(api("org_b"), "") == [b1["id"]]
    assert _ids(api("org_b"), "organisation=802400-0005") == []
    assert api("org_b").get("/api/v1/cases?q=KS").get_json()["total"] == 1
    assert _ids(api("other_officer"), "municipality=falun") == []


def test_case_summary_and_detail_fields(api: Any) -> None:
    case = start(api("org_a"))
    listed = api("officer").get("/api/v1/cases").get_json()["items"][0]
    assert listed["organisation"] == {"name": "Föreningen Gemenskap", "org_number": "802400-0005"}
    assert listed["municipality"] == "falun" and listed["status"] == "running" and listed["outcome"] is None
    assert listed["definition"] == {"process_id": "falun_initiative", "version": 1,
                                    "name": "Initiativ till IOP (Falun)"}
    detail = api("officer").get(f"/api/v1/cases/{case['id']}").get_json()
    assert detail["definition"]["process_id"] == "falun_initiative" and detail["definition"]["version"] == 1
    assert detail["next_timer"] is None or detail["next_timer"].endswith("+00:00")
    assert detail["open_tasks"][0]["role"] == "organisation" and "form" not in detail["open_tasks"][0]
    assert detail["history"][0]["actor"] and detail["history"][0]["at"].startswith("2026-11-23T08:00")
