"""GET /api/v1/tasks: keyset paging that sees every task once, filters, sort, refused cursors, the
organisation's own tasks only, and a number of statements that does not grow with the page."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

from app.core.clock import ManualClock
from app.services import Services
from tests.inbox.conftest import Statements


def _walk(client: Any, url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    body = client.get(url).get_json()
    total = body["total"]
    while True:
        items.extend(body["items"])
        if body["next"] is None:
            break
        sep = "&" if "?" in url else "?"
        body = client.get(f"{url}{sep}after={body['next']}").get_json()
        assert body["total"] == total
    assert len(items) == total
    return items


def _due_key(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["due"] is None, item["due"] or "", item["created"], item["id"])


def test_pages_walk_every_task_once_in_each_order(api: Any, lawyer_tasks: Any) -> None:
    lawyer_tasks(120)
    lawyer = api("lawyer")
    first = lawyer.get("/api/v1/tasks").get_json()
    assert first["total"] == 121 and len(first["items"]) == 50 and first["prev"] is None
    assert {"organisation", "process", "form", "registration_number"} <= set(first["items"][0])
    assert first["items"][0]["process"] == "falun_initiative" and first["items"][0]["form"]["type"] == "object"
    for item in first["items"][:3]:  # each item as the task's own endpoint shows it (dates, form)
        alone = lawyer.get(f"/api/v1/tasks/{item['id']}").get_json()
        assert {k: alone[k] for k in ("due", "created", "form", "registration_number", "title", "overdue")} == \
            {k: item[k] for k in ("due", "created", "form", "registration_number", "title", "overdue")}
        assert item["created"] and datetime.fromisoformat(item["created"]).utcoffset() is not None

    items = _walk(lawyer, "/api/v1/tasks?limit=37")
    assert len({i["id"] for i in items}) == 121
    assert items == sorted(items, key=_due_key)  # soonest due first, tasks without a due time last
    assert items[-1]["due"] is None

    desc = _walk(lawyer, "/api/v1/tasks?limit=50&direction=desc")
    dated = [i for i in desc if i["due"] is not None]
    assert [i["due"] for i in dated] == sorted((i["due"] for i in dated), reverse=True)
    assert all(i["due"] is None for i in desc[len(dated):])  # still last

    by_title = _walk(lawyer, "/api/v1/tasks?sort=title&limit=500")
    assert [(i["title"], i["id"]) for i in by_title] == sorted((i["title"], i["id"]) for i in by_title)
    created = _walk(lawyer, "/api/v1/tasks?sort=created&direction=desc&limit=40")
    assert [(i["created"], i["id"]) for i in created] == sorted(((i["created"], i["id"]) for i in created),
                                                                 reverse=True)

    # from the last page back to the first with `prev`, in both directions, across the tasks without a due time
    for direction, walked in (("asc", items), ("desc", desc)):
        url = f"/api/v1/tasks?limit=37&direction={direction}"
        body = lawyer.get(url).get_json()
        while body["next"] is not None:
            body = lawyer.get(f"{url}&after={body['next']}").get_json()
        pages = [body["items"]]
        while body["prev"] is not None:
            body = lawyer.get(f"{url}&before={body['prev']}").get_json()
            pages.insert(0, body["items"])
        assert [i["id"] for page in pages for i in page] == [i["id"] for i in walked], direction

    # back one page with `prev`
    second = lawyer.get(f"/api/v1/tasks?after={first['next']}").get_json()
    assert second["prev"] is not None
    back = lawyer.get(f"/api/v1/tasks?before={second['prev']}").get_json()
    assert [i["id"] for i in back["items"]] == [i["id"] for i in first["items"]] and back["prev"] is None


def test_filters(api: Any, lawyer_tasks: Any, services: Services, clock: ManualClock) -> None:
    case = lawyer_tasks(60)
    lawyer = api("lawyer")
    every = _walk(lawyer, "/api/v1/tasks?limit=500")
    now = clock.now()

    found = lawyer.get(f"/api/v1/tasks?q={case['registration_number']}").get_json()
    assert [i["case_id"] for i in found["items"]] == [case["id"]] and found["total"] == 1
    assert lawyer.get("/api/v1/tasks?q=gemenskap").get_json()["total"] == \
        sum("Gemenskap" in i["organisation"] for i in every) >= 1  # organisation name, any case
    assert lawyer.get("/api/v1/tasks?q=FÖRENINGEN GEM").get_json()["total"] == \
        sum("Gemenskap" in i["organisation"] for i in every)  # the name case-folded, Ö too
    assert lawyer.get("/api/v1/tasks?q=Bedöm om IOP").get_json()["total"] == 61  # the title
    assert lawyer.get("/api/v1/tasks?q=BEDÖM OM iop").get_json()["total"] == 61  # any case, Ö too
    assert lawyer.get(f"/api/v1/tasks?q={case['registration_number'].lower()}").get_json()["total"] == 1
    assert lawyer.get("/api/v1/tasks?q=100%25").get_json()["total"] == 0  # % is a character, not a wildcard

    overdue = _walk(lawyer, "/api/v1/tasks?overdue=1")
    assert overdue and {i["id"] for i in overdue} == {i["id"] for i in every if i["overdue"]}
    week = _walk(lawyer, "/api/v1/tasks?due_within_days=7")
    expected = {i["id"] for i in every if i["due"] and now <= datetime.fromisoformat(i["due"])
                <= now + timedelta(days=7)}
    assert week and {i["id"] for i in week} == expected

    assert lawyer.get("/api/v1/tasks?process=falun_initiative").get_json()["total"] == 61
    assert lawyer.get("/api/v1/tasks?process=stenungsund_agreement").get_json()["total"] == 0
    assert lawyer.get(f"/api/v1/tasks?case_id={case['id']}").get_json()["total"] == 1
    assert lawyer.get("/api/v1/tasks?case_id=99999999999").get_json()["total"] == 0

    task = every[3]
    assert lawyer.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 200
    mine = lawyer.get("/api/v1/tasks?mine=1").get_json()
    assert [i["id"] for i in mine["items"]] == [task["id"]] and mine["items"][0]["assignee"] == "lawyer"


def _cursor(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_wrong_parameters_and_altered_cursors_are_422(api: Any, lawyer_tasks: Any) -> None:
    lawyer_tasks(60)
    lawyer = api("lawyer")
    good = lawyer.get("/api/v1/tasks?limit=5").get_json()["next"]
    for query, field in [
        ("after=garbage!!", "after"), ("after=" + _cursor([1, 2]), "after"),
        ("after=" + _cursor({"s": "due", "d": "asc", "k": [0, "not a date", "x", "y"]}), "after"),
        ("after=" + _cursor({"s": "due", "d": "asc", "k": [0, "2026-01-01T00:00:00", "2026-01-01T00:00:00",
                                                          "id"]}), "after"),  # no time zone
        ("after=" + _cursor({"s": "title", "d": "asc", "k": [["list"], "id"]}), "after"),
        ("after=" + _cursor({"s": "title", "d": "asc", "k": ["Bedöm", "x' OR 1=1 --"]}), "after"),
        ("after=" + "A" * 2000, "after"),
        (f"after={good}&sort=title", "after"),  # a cursor of another order
        (f"after={good}&direction=desc", "after"), (f"before={good}&sort=created", "before"),
        (f"after={good}&before={good}", "before"),
        ("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"), ("sort=priority", "sort"),
        ("direction=up", "direction"), ("due_within_days=-1", "due_within_days"),
        ("due_within_days=99999", "due_within_days"), ("overdue=perhaps", "overdue"), ("case_id=abc", "case_id"),
        ("process=" + "x" * 200, "process"), ("q=" + "x" * 201, "q"),
    ]:
        resp = lawyer.get(f"/api/v1/tasks?{query}")
        assert resp.status_code == 422, (query, resp.status_code)
        assert field in resp.get_json()["error"]["fields"], (query, resp.get_json())


def test_an_organisation_sees_only_its_own_tasks(api: Any, lawyer_tasks: Any) -> None:
    lawyer_tasks(10)  # org_a's case is at the lawyer now
    org_a, org_b = api("org_a"), api("org_b")
    own = org_b.post("/api/v1/cases", {"municipality": "falun"}).get_json()
    b = org_b.get("/api/v1/tasks").get_json()
    assert [i["case_id"] for i in b["items"]] == [own["id"]] and b["total"] == 1
    assert b["items"][0]["name"] == "checklist"
    assert org_a.get("/api/v1/tasks").get_json()["total"] == 0
    assert org_a.get(f"/api/v1/tasks?case_id={own['id']}").get_json()["total"] == 0
    assert api("officer").get("/api/v1/tasks?q=" + own["registration_number"]).get_json()["total"] == 0
    assert api("other_officer").get("/api/v1/tasks").get_json()["total"] == 0  # another municipality


def test_statements_do_not_grow_with_the_page(api: Any, lawyer_tasks: Any, services: Services) -> None:
    lawyer_tasks(250)
    lawyer = api("lawyer")
    assert lawyer.get("/api/v1/tasks?limit=5").status_code == 200  # the definition is in the cache now
    counts = {}
    for limit in (5, 200):
        with Statements(services) as seen:
            body = lawyer.get(f"/api/v1/tasks?limit={limit}&sort=title").get_json()
        assert len(body["items"]) == limit
        counts[limit] = len(seen.seen)
    assert counts[5] == counts[200] <= 6, counts
    with Statements(services) as filtered:
        assert lawyer.get("/api/v1/tasks?limit=200&q=KS&overdue=1").status_code == 200
    assert len(filtered.seen) <= counts[5]  # filters add no statement (an empty page skips reading rows)
    with Statements(services) as later:  # a page after a cursor: the same statements as the first page
        after = lawyer.get(f"/api/v1/tasks?limit=200&sort=title&after={body['next']}").get_json()
    assert len(after["items"]) == body["total"] - 200 > 0 and len(later.seen) == counts[200]
    with Statements(services) as searched:  # a search counts in the same scan as its page's ids: one fewer
        assert lawyer.get("/api/v1/tasks?limit=200&q=a").get_json()["items"]
    assert len(searched.seen) == counts[200] - 1
