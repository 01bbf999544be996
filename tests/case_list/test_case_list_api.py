"""GET /api/v1/cases: each filter, each sort both ways through keyset pages, cursor tampering, CSV, scope."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.case_list.conftest import FALUN, SPECS, regs

FILTERS = [
    ("status=running", ["KS 2026/0001", "KS 2026/0002", "KS 2026/0003", "KS 2027/0001"]),
    ("status=suspended", ["KS 2027/0002"]),
    ("status=cancelled", ["KS 2027/0003"]),
    ("q=50%25", ["KS 2026/0001"]),  # % is a literal character
    ("q=_", []),
    ("q=st%C3%B6dcentrum", ["KS 2026/0003", "KS 2026/0010", "KS 2027/0001", "KS 2027/0003"]),  # organisation name
    ("q=2026%2F001", ["KS 2026/0010", "KS 2026/0011"]),
    # case-folded as a person expects on both databases (SQLite's LIKE folds ASCII letters only)
    ("q=ST%C3%96DCENTRUM", ["KS 2026/0003", "KS 2026/0010", "KS 2027/0001", "KS 2027/0003"]),
    ("q=L%C3%84XHJ%C3%84LP", ["KS 2026/0001"]),
    ("organisation=ST%C3%96D", ["KS 2026/0003", "KS 2026/0010", "KS 2027/0001", "KS 2027/0003"]),
    ("registration=KS%202027", ["KS 2027/0001", "KS 2027/0002", "KS 2027/0003"]),
    ("registration=ks%202026%2F0001", ["KS 2026/0001"]),
    ("registration=2026", []),  # the beginning, not any part
    ("organisation=802470-0000", ["KS 2026/0003", "KS 2026/0010", "KS 2027/0001", "KS 2027/0003"]),
    ("organisation=8024700000", ["KS 2026/0003", "KS 2026/0010", "KS 2027/0001", "KS 2027/0003"]),
    ("organisation=gemenskap", ["KS 2026/0001", "KS 2026/0002", "KS 2026/0011", "KS 2027/0002"]),
    ("process=falun_initiative", sorted(s.reg for s in FALUN)),
    ("process=falun_initiative&version=1", sorted(s.reg for s in FALUN)),
    ("process=falun_initiative&version=2", []),
    ("process=stenungsund_agreement", []),
    ("step=legal_assessment", ["KS 2026/0001", "KS 2027/0001"]),
    ("role=finance", ["KS 2026/0011", "KS 2027/0001"]),
    ("role=organisation", ["KS 2026/0003"]),
    ("overdue=1", ["KS 2026/0001", "KS 2027/0002"]),
    ("due_within_days=3", ["KS 2026/0002", "KS 2027/0001"]),
    ("due_within_days=0", []),
    ("status=running&overdue=true&role=lawyer", ["KS 2026/0001"]),
    ("municipality=falun", sorted(s.reg for s in FALUN)),
    ("municipality=stenungsund", []),  # staff never reach past their municipality
]


def _all(client: Any, query: str) -> dict[str, Any]:
    resp = client.get(f"/api/v1/cases?{query}")
    assert resp.status_code == 200, (query, resp.get_json())
    return dict(resp.get_json())


def test_each_filter(api: Any, spread: Any) -> None:
    officer = api("officer")
    for query, expected in FILTERS:
        body = _all(officer, query + "&sort=registration&limit=100")
        assert regs(body["items"]) == expected, query
        assert body["total"] == len(expected), query
    item = _all(officer, "registration=KS%202027%2F0001")["items"][0]
    assert item["next_due"] and item["overdue"] is False and item["open_task_roles"] == ["finance", "lawyer"]
    assert item["definition"]["process_id"] == "falun_initiative" and item["organisation"]["name"] == "Stödcentrum"


def test_totals_beyond_the_first_page_match_the_rows(api: Any, spread: Any, services: Any) -> None:
    """A page of one row counts the whole list (an open-task filter alone is counted from the open tasks):
    the total is the number of rows every page holds, for each viewer and municipality chosen."""
    task_filters = ["step=legal_assessment", "role=finance", "role=lawyer", "overdue=1", "due_within_days=3",
                    "due_within_days=30", "step=nothing"]
    queries = [*task_filters, *(f"{q}&municipality=falun" for q in task_filters),
               *(f"{q}&municipality=stenungsund" for q in task_filters), "status=running&overdue=1",
               "q=KS&role=lawyer", "step=legal_assessment&role=lawyer"]
    for who in ("officer", "admin", "other_officer", "owner", "org_a"):
        client = api(who)
        for query in queries:
            every = _all(client, query + "&limit=100")
            assert every["next"] is None
            one = _all(client, query + "&limit=1")
            assert one["total"] == len(every["items"]), (who, query)
            later = _all(client, query + "&limit=1&offset=1")  # counted even when the page is empty
            assert later["total"] == len(every["items"]), (who, query)
    # the count of an open-task filter alone does not count a case twice for two matching tasks (KS 2027/0001
    # has a lawyer's and a finance task, both due within 30 days)
    assert _all(api("officer"), "due_within_days=30&limit=1")["total"] == \
        len({i["id"] for i in _all(api("officer"), "due_within_days=30&limit=100")["items"]})


def _due(spec: Any) -> int | None:
    dues = [t[3] for t in spec.tasks if t[3] is not None]
    return min(dues) if dues else None


@pytest.mark.parametrize("sort", ["registration", "organisation", "created", "updated", "due"])
def test_sorts_both_ways_through_keyset_pages(api: Any, spread: Any, sort: str) -> None:
    officer = api("officer")
    ids = {reg: spread[("falun", reg)] for reg in (s.reg for s in FALUN)}
    names = {"802400-0005": "Föreningen Gemenskap", "802470-0000": "Stödcentrum"}
    key = {"registration": lambda s: s.reg, "organisation": lambda s: names[s.org],
           "created": lambda s: s.created_days, "updated": lambda s: s.updated_days}.get(sort)
    for descending in (False, True):
        if key is not None:
            expected = [s.reg for s in sorted(FALUN, key=lambda s: (key(s), ids[s.reg]), reverse=descending)]
        else:  # next due date: those without one last, in both directions
            dated = sorted((s for s in FALUN if _due(s) is not None), key=lambda s: (_due(s), ids[s.reg]),
                           reverse=descending)
            undated = sorted((s for s in FALUN if _due(s) is None), key=lambda s: ids[s.reg], reverse=descending)
            expected = [s.reg for s in dated + undated]
        order = ("-" if descending else "") + sort
        seen: list[str] = []
        body = _all(officer, f"sort={order}&limit=3")
        pages = 1
        while True:
            seen += regs(body["items"])
            assert body["total"] == len(FALUN)
            if body["next"] is None:
                break
            body = _all(officer, f"sort={order}&limit=3&after={body['next']}")
            pages += 1
        assert seen == expected, order
        assert pages == 3


def test_default_order_and_old_paging_still_work(api: Any, spread: Any) -> None:
    officer = api("officer")
    newest = _all(officer, "")["items"]
    assert regs(newest)[:2] == ["KS 2027/0003", "KS 2027/0002"]
    page = _all(officer, "limit=2&offset=2")
    assert (page["limit"], page["offset"], page["total"]) == (2, 2, len(FALUN))
    assert regs(page["items"]) == regs(newest)[2:4]


def test_bad_values_and_tampered_cursors_are_422_naming_the_parameter(api: Any, spread: Any) -> None:
    officer = api("officer")
    for query, name in [("status=paused", "status"), ("role=king", "role"), ("sort=colour", "sort"),
                        ("due_within_days=-1", "due_within_days"), ("due_within_days=x", "due_within_days"),
                        ("overdue=maybe", "overdue"), ("version=2", "version"), ("process=p&version=0", "version"),
                        ("municipality=atlantis", "municipality"), ("q=" + "x" * 101, "q"), ("q=%00", "q"),
                        ("format=xml", "format"), ("after=abc", "after")]:
        resp = officer.get(f"/api/v1/cases?{query}")
        assert resp.status_code == 422, query
        assert name in resp.get_json()["error"]["fields"], (query, resp.get_json())
    cursor = _all(officer, "limit=2")["next"]
    assert cursor
    for bad in (cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"), cursor + "x", "x" * 2000):
        resp = officer.get(f"/api/v1/cases?limit=2&after={bad}")
        assert resp.status_code == 422 and "after" in resp.get_json()["error"]["fields"]
    other_sort = officer.get(f"/api/v1/cases?limit=2&sort=registration&after={cursor}")
    assert other_sort.status_code == 422  # a cursor belongs to its sort
    assert officer.get(f"/api/v1/cases?limit=2&offset=2&after={cursor}").status_code == 422


def test_scope_other_municipality_and_organisations(api: Any, spread: Any) -> None:
    assert regs(_all(api("other_officer"), "sort=registration")["items"]) == ["KS 2026/0001", "KS 2026/0002"]
    assert _all(api("other_officer"), "q=L%C3%A4xhj%C3%A4lp")["total"] == 0  # Falun's title
    assert _all(api("officer"), "q=hemlig")["total"] == 0  # Stenungsund's title
    assert _all(api("admin"), "")["total"] == len(SPECS)
    assert _all(api("admin"), "municipality=stenungsund")["total"] == 2
    org_b = _all(api("org_b"), "sort=registration&limit=100")
    assert {i["organisation"]["org_number"] for i in org_b["items"]} == {"802470-0000"} and org_b["total"] == 5


def test_csv_has_exactly_the_filtered_rows(api: Any, spread: Any) -> None:
    officer = api("officer")
    query = "organisation=st%C3%B6dcentrum&sort=-registration"
    resp = officer.get(f"/api/v1/cases?{query}&format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][0] == "registration_number"
    expected = regs(_all(officer, query + "&limit=500")["items"])
    assert [r[0] for r in rows[1:]] == expected and len(expected) == 4
    titles = {r[0]: r[1] for r in rows[1:]}
    assert titles["KS 2026/0003"].startswith("'=")  # never a formula in a spreadsheet
    assert officer.get("/api/v1/cases?format=csv&status=nope").status_code == 422
