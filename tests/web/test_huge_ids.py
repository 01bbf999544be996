"""Every route with an id answers 404 (never 500) for ids beyond a 64-bit database column."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.web.pages import Browser

HUGE = ("9223372036854775808", "99999999999999999999")


def _urls(app: Flask, value: str) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        ids = [name for name in rule.arguments if name.endswith("id")]
        if not ids:
            continue
        url = rule.rule
        for name in rule.arguments:
            converter = rule._converters[name]  # noqa: SLF001 - the rule's own converter decides the placeholder
            placeholder = value if name in ids else "x"
            url = url.replace(f"<{name}>", placeholder)
            for prefix in ("int", "path", "string"):
                url = url.replace(f"<{prefix}:{name}>", placeholder)
            assert converter is not None
        assert "<" not in url, url
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


@pytest.mark.parametrize("value", HUGE)
def test_no_route_with_an_id_answers_500(app: Flask, browser: Browser, value: str) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    browser.login("admin")
    urls = _urls(app, value)
    assert len(urls) > 15
    failures = []
    for method, url in urls:
        resp = browser.client.open(url, method=method)
        if resp.status_code >= 500:
            failures.append((method, url, resp.status_code))
    assert failures == []


def test_a_huge_case_id_on_a_page_is_404(browser: Browser) -> None:
    browser.login("admin")
    assert browser.client.get("/cases/9223372036854775808").status_code == 404
    assert browser.client.get("/cases/9223372036854775807").status_code == 404
    assert browser.client.get("/cases/2147483648").status_code == 404  # beyond PostgreSQL's INTEGER
    assert browser.client.get("/cases/2147483647").status_code == 404


@pytest.mark.parametrize("value", ["2147483648", "99999999999", "999999999999", "9223372036854775808"])
def test_an_id_beyond_the_id_column_is_404_in_the_api_on_both_databases(api: Any, value: str) -> None:
    admin = api("admin")
    for url in (f"/api/v1/cases/{value}", f"/api/v1/cases/{value}/agreement", f"/api/v1/cases/{value}/migration",
                f"/api/v1/tasks?case_id={value}"):
        resp = admin.get(url)
        assert resp.status_code in (200, 404), (url, resp.status_code, resp.get_json())
        if resp.status_code == 200:  # a list filtered by a case that cannot exist is empty
            assert resp.get_json()["items"] == [], url
