"""/cases/: filters, sort links, keyset pages, the CSV download, saved filters, scope and refusals."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Flask
from sqlalchemy import event

from app.services import Services
from tests.case_list.conftest import FALUN, Spec, insert_cases
from tests.catalogue_keys import shown_keys
from tests.conftest import ORG_A
from tests.web.pages import Browser, text_of


def _regs(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/cases/\d+">([^<]+)</a>', html)


def test_officer_filters_sorts_and_pages(app: Flask, browser: Browser, spread: Any) -> None:
    browser.login("officer")
    html = browser.get("/cases/")
    assert "Ärenden" in text_of(html) and f"{len(FALUN)} ärenden" in text_of(html)
    assert "Stenungsund hemlig" not in html and "Juridisk bedömning" in html  # the step choices
    assert not shown_keys(text_of(html)) and not shown_keys(text_of(browser.get("/cases/?lang=en&status=x", 422)))
    html = browser.get("/cases/?status=running&organisation=st%C3%B6dcentrum&sort=registration")
    assert _regs(html) == ["KS 2026/0003", "KS 2027/0001"] and "2 ärenden" in text_of(html)
    assert 'aria-sort="ascending"' in html and "sort=-registration" in html
    app.config["CASE_LIST_PAGE_SIZE"] = 3
    first = browser.get("/cases/?sort=registration")
    assert _regs(first) == ["KS 2026/0001", "KS 2026/0002", "KS 2026/0003"]
    following = re.search(r'href="([^"]+)" rel="next"', first)
    assert following
    second = browser.get(following.group(1).replace("&amp;", "&"))
    assert _regs(second) == ["KS 2026/0010", "KS 2026/0011", "KS 2027/0001"] and "Till första sidan" in second
    tampered = browser.client.get(following.group(1).replace("&amp;", "&")[:-3] + "zzz")
    assert tampered.status_code == 422 and "Börja om från första sidan" in text_of(tampered.get_data(as_text=True))
    bad = browser.client.get("/cases/?due_within_days=many&status=lost")
    assert bad.status_code == 422
    assert "Skriv ett antal dagar" in bad.get_data(as_text=True) and "Välj en status" in bad.get_data(as_text=True)


def test_csv_download_has_the_filtered_rows(browser: Browser, spread: Any) -> None:
    browser.login("officer")
    resp = browser.client.get("/cases/export.csv?organisation=802470-0000&sort=registration")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:3] == ["Diarienummer", "Rubrik", "Organisation"]
    assert [r[0] for r in rows[1:]] == ["KS 2026/0003", "KS 2026/0010", "KS 2027/0001", "KS 2027/0003"]
    assert rows[1][1].startswith("'=")


def test_scope_and_refusals(browser: Browser, spread: Any) -> None:
    browser.login("other_officer")
    html = browser.get("/cases/?municipality=falun")
    assert _regs(html) == ["KS 2026/0002", "KS 2026/0001"] and "Läxhjälp" not in html
    browser.login("org_a")
    assert browser.client.get("/cases/").status_code == 403
    assert browser.client.get("/cases/export.csv").status_code == 403
    assert "Ärenden</a>" not in browser.get("/tasks/")
    browser.login("admin")
    html = browser.get("/cases/?municipality=stenungsund")
    assert len(_regs(html)) == 2 and "Alla kommuner" in html
    assert len(_regs(browser.get("/cases/"))) == 10


def test_saved_filters(browser: Browser, spread: Any) -> None:
    browser.login("officer")
    resp = browser.post("/cases/filters", {"name": "Försenade", "query": "overdue=1&sort=-due&after=xyz"},
                        page="/cases/")
    assert resp.status_code == 302
    html = browser.get(resp.headers["Location"])
    assert "Filtret ”Försenade” är sparat." in text_of(html)
    link = re.search(r'<a href="(/cases/\?[^"]+)">Försenade</a>', html)
    assert link and "after" not in link.group(1)
    assert _regs(browser.get(link.group(1).replace("&amp;", "&"))) == ["KS 2026/0001", "KS 2027/0002"]
    again = browser.post("/cases/filters", {"name": " Försenade ", "query": "status=running"}, page="/cases/")
    assert "Du har redan ett filter som heter ”Försenade”" in text_of(browser.get(again.headers["Location"]))
    assert browser.post("/cases/filters", {"name": "", "query": ""}, page="/cases/").status_code == 302
    no_token = browser.client.post("/cases/filters", data={"name": "Utan", "query": ""})
    assert no_token.status_code == 400
    filter_id = re.search(r'action="/cases/filters/(\d+)/delete"', html)
    assert filter_id
    browser.login("officer2")  # a colleague neither sees nor deletes it
    assert "Försenade" not in browser.get("/cases/")
    assert browser.post(f"/cases/filters/{filter_id.group(1)}/delete", page="/cases/").status_code == 404
    browser.login("officer")
    gone = browser.post(f"/cases/filters/{filter_id.group(1)}/delete", page="/cases/")
    assert "Filtret ”Försenade” är borttaget." in text_of(browser.get(gone.headers["Location"]))


def test_constant_statements_per_page(app: Flask, services: Services, browser: Browser, spread: Any) -> None:
    insert_cases(services, [Spec(f"KS 2030/{n:04d}", "falun", ORG_A, "running", n % 9, n % 7,
                                 (("legal_assessment", "Juridisk bedömning", "lawyer", n % 5),)) for n in range(60)])
    browser.login("officer")
    counts = []
    for size in (5, 50):
        app.config["CASE_LIST_PAGE_SIZE"] = size
        statements: list[str] = []

        def seen(*args: Any, into: list[str] = statements) -> None:
            into.append(args[2])

        event.listen(services.db, "before_cursor_execute", seen)
        try:
            html = browser.get("/cases/?sort=due")
        finally:
            event.remove(services.db, "before_cursor_execute", seen)
        assert len(_regs(html)) == size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
