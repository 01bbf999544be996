"""The inbox page: search, filters, keyset pages, the claim explained, no claim step for organisations,
"Avslutade av mig", team leads' open tasks with "Tilldela om", the count in the navigation."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

from flask.testing import FlaskClient

from app.services import Services
from tests import falun_steps as steps
from tests.api.helpers import complete
from tests.inbox.conftest import Statements
from tests.web.pages import Browser, text_of


def _section(html: str, key: str) -> str:
    match = re.search(rf'<section aria-labelledby="{key}-heading">(.*?)</section>', html, re.S)
    assert match, key
    return match.group(1)


def _link(html: str, label: str) -> str:
    match = re.search(rf'<a href="([^"]+)" rel="(?:next|prev)">{label}</a>', html)
    assert match, label
    return htmllib.unescape(match.group(1))


def _tasks(html: str) -> list[str]:
    return re.findall(r'href="/tasks/([0-9a-f-]{36})"', html)


def test_search_filter_sort_and_pages(api: Any, lawyer_tasks: Any, client: FlaskClient,
                                      services: Services) -> None:
    case = lawyer_tasks(120)
    browser = Browser(client)
    browser.login("lawyer")
    html = browser.get("/tasks/")
    assert "Mina uppgifter (121)" in text_of(html)  # the count in the navigation
    free = _section(html, "free")
    assert "50 av 121 visas" in text_of(free)
    assert "då ser dina kollegor att du arbetar med den" in text_of(free)
    assert 'aria-sort="ascending"' in free and free.count("aria-sort") == 1
    page1 = _tasks(free)
    assert len(page1) == 50

    page2_html = browser.get(_link(free, "Nästa sida"))
    page2 = _tasks(_section(page2_html, "free"))
    assert len(page2) == 50 and not set(page1) & set(page2)
    back = browser.get(_link(_section(page2_html, "free"), "Föregående sida"))
    assert _tasks(_section(back, "free")) == page1

    found = browser.get(f"/tasks/?q={case['registration_number']}")
    assert len(_tasks(_section(found, "free"))) == 1 and case["registration_number"] in _section(found, "free")
    assert f'value="{case["registration_number"]}"' in found  # the search stays in the box
    overdue = browser.get("/tasks/?overdue=1&sort=created&direction=desc")
    assert "Försenad" in text_of(_section(overdue, "free"))
    assert "Nästa sida" not in _section(overdue, "free") or "overdue=1" in _section(overdue, "free")
    titled = _section(browser.get("/tasks/?q=Bed%C3%B6m&sort=created&direction=desc"), "free")
    following = _link(titled, "Nästa sida")  # the search and order stay on the next page
    assert "q=Bed" in following and "sort=created" in following and "direction=desc" in following
    assert 'aria-sort="descending"' in titled
    nothing = browser.get("/tasks/?q=finns-inte")
    assert "Inga uppgifter passar sökningen och filtren." in text_of(_section(nothing, "free"))

    # a page's statements do not depend on how many rows it shows
    with Statements(services) as full:
        browser.get("/tasks/?q=Bed%C3%B6m")  # 50 of 121 rows
    with Statements(services) as one:
        browser.get(f"/tasks/?q={case['registration_number']}")
    assert len(full.seen) == len(one.seen), (len(full.seen), len(one.seen))

    # wrong input: named, never a 500
    resp = client.get("/tasks/?after=nonsense&due_within_days=-3&sort=x")
    assert resp.status_code == 400
    text = text_of(resp.get_data(as_text=True))
    assert "Antal dagar ska vara ett heltal" in text and "Länken till sidan gick inte att använda" in text
    assert len(_tasks(_section(resp.get_data(as_text=True), "free"))) == 50


def test_claim_keeps_the_page_and_finished_by_me_lists_what_i_completed(api: Any, lawyer_tasks: Any,
                                                                        client: FlaskClient) -> None:
    case = lawyer_tasks(3)
    browser = Browser(client)
    browser.login("lawyer")
    url = "/tasks/?q=" + case["registration_number"].replace(" ", "%20")
    task_id = _tasks(browser.get(url))[0]
    resp = browser.post(f"/tasks/{task_id}/claim", {"next": url}, page=url)
    assert resp.status_code == 302 and resp.headers["Location"] == url
    html = browser.get(url)
    assert task_id in _section(html, "mine") and task_id not in _section(html, "free")
    resp = browser.post(f"/tasks/{task_id}/claim", {"next": "https://evil.example/"}, page=url)
    assert resp.headers["Location"] == "/tasks/"  # only back to the inbox

    assert "Du har inte avslutat några uppgifter ännu." in text_of(browser.get("/tasks/?view=done"))
    complete(api("lawyer"), case["id"], "legal_assessment", steps.LEGAL_OK)
    done = browser.get("/tasks/?view=done")
    section = _section(done, "done")
    assert f'href="/cases/{case["id"]}"' in section and "Bedöm om IOP är rätt avtalsform" in text_of(section)
    assert "1 av 1 visas" in text_of(section)
    org_done = Browser(client)
    org_done.login("org_a")
    assert text_of(_section(org_done.get("/tasks/?view=done"), "done")).count(case["registration_number"]) == 2
    assert "Du har inte avslutat" in text_of(org_done.get("/tasks/?view=done&after=eyJlIjogMH0"))  # before 1st


def test_organisations_open_their_tasks_without_claiming(api: Any, client: FlaskClient) -> None:
    api("org_a").post("/api/v1/cases", {"municipality": "falun"})
    browser = Browser(client)
    browser.login("org_a")
    html = browser.get("/tasks/")
    section = _section(html, "org")
    assert len(_tasks(section)) == 1 and "/claim" not in html
    assert "Ni behöver inte ta den först." in text_of(section)


def test_team_leads_see_open_tasks_with_reassign(api: Any, lawyer_tasks: Any, client: FlaskClient) -> None:
    case = lawyer_tasks(2)
    browser = Browser(client)
    for username in ("owner", "admin"):
        browser.login(username)
        html = browser.get("/tasks/")
        section = _section(html, "all")
        assert "Din roll har inga egna steg i ärendena" in text_of(html)
        assert f'href="/cases/{case["id"]}#tilldela"' in section and "Tilldela om" in text_of(section)
        assert "/claim" not in section and len(_tasks(section)) == 3
    browser.login("other_officer")
    assert "#tilldela" not in browser.get("/tasks/?view=all")  # not a team lead: their own inbox
    browser.login("lawyer")
    assert "#tilldela" not in browser.get("/tasks/")


def test_the_task_page_offers_no_claim_step_to_an_organisation(api: Any, client: FlaskClient) -> None:
    case = api("org_a").post("/api/v1/cases", {"municipality": "falun"}).get_json()
    task = api("org_a").get(f"/api/v1/tasks?case_id={case['id']}").get_json()["items"][0]
    browser = Browser(client)
    browser.login("org_a")
    page = browser.get(f"/tasks/{task['id']}")
    assert "/claim" not in page and "Ta uppgiften" not in text_of(page)
    complete(api("org_a"), case["id"], "checklist", steps.CHECKLIST)  # completed without a claim
