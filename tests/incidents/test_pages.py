"""The administrator's panel on the case page: what it shows, each form's permission check and history entry."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app.models import Case
from app.services import Services
from tests.incidents.conftest import case_row, events, failed_case, open_tasks
from tests.timers.helpers import local, start
from tests.web.pages import Browser, text_of


@pytest.fixture
def browser(client: FlaskClient, admins: Any) -> Browser:
    return Browser(client)


def _post(browser: Browser, case_id: int, path: str, data: dict[str, str]) -> str:
    """Post a panel form like the browser does; follow the redirect to the case page and return its text."""
    page = f"/cases/{case_id}"
    resp = browser.post(f"/cases/{case_id}/admin/{path}", data, page=page)
    assert resp.status_code == 303, resp.status_code
    assert resp.headers["Location"].split("#")[0].endswith(page)
    return browser.get(page)


def test_a_failed_case_shows_the_error_and_retry_goes_on(services: Services, browser: Browser,
                                                          broken: Any) -> None:
    case_id = failed_case(services)
    browser.login("falun_admin")
    html = browser.get(f"/cases/{case_id}")
    text = text_of(html)
    assert "Ärendet har stoppats av ett fel" in text
    assert "Steget 'Beräkna bidrag' kunde inte köras: en tjänst som steget anropar svarade med ett fel." in text
    assert "<details>" in html and "ekonomisystemet svarar inte" in html
    assert "Försök igen" in text and "Hoppa över steget" in text and "Avbryt ärendet" in text
    skipped = _post(browser, case_id, "skip", {"reason": "  "})
    assert "Skriv kort varför." in text_of(skipped) and 'id="reason-skip"' in skipped
    assert case_row(services, case_id).status == "failed"
    again = _post(browser, case_id, "retry", {"reason": ""})
    assert "Steget stoppades igen av ett fel." in text_of(again)
    broken["broken"] = False
    done = text_of(_post(browser, case_id, "retry", {"reason": "systemet svarar igen"}))
    assert "Ärendet kördes igen." in done and "Ärendet har stoppats av ett fel" not in done
    assert case_row(services, case_id).status == "running"
    assert [e.actor_name for e in events(services, case_id, "case_retried")] == ["falun_admin", "falun_admin"]


def test_an_english_page_words_the_incident_in_english(services: Services, browser: Browser,
                                                        broken: Any) -> None:
    """The incident is stored as a code: the case page (panel and history) and the overview word it in the
    reader's language; one stored before the codes, with only its Swedish message, still shows that message."""
    case_id = failed_case(services)
    browser.login("falun_admin")
    english = "The step 'Beräkna bidrag' could not run: a service the step calls answered with an error."
    page = text_of(browser.get(f"/cases/{case_id}?lang=en"))
    assert page.count(english) == 2 and "kunde inte köras" not in page  # the panel and the history's entry
    assert english in text_of(browser.get("/admin/?lang=en"))
    swedish = "Steget 'Beräkna bidrag' kunde inte köras: en tjänst som steget anropar svarade med ett fel."
    assert text_of(browser.get(f"/cases/{case_id}?lang=sv")).count(swedish) == 2
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        case.summary = {**case.summary, "incident": {"at": "2027-01-01T00:00:00+00:00", "task": "compute",
                                                     "step": "Beräkna bidrag", "message": "Ett äldre fel i steget.",
                                                     "detail": "RuntimeError: x"}}
    assert "Ett äldre fel i steget." in text_of(browser.get(f"/cases/{case_id}?lang=en"))
    assert "Ett äldre fel i steget." in text_of(browser.get("/admin/?lang=en"))


def test_skip_suspend_resume_cancel_from_the_page(services: Services, browser: Browser, broken: Any) -> None:
    case_id = failed_case(services)
    browser.login("falun_admin")
    assert "Steget hoppades över" in text_of(_post(browser, case_id, "skip", {"reason": "sätts för hand"}))
    assert [e.data["reason"] for e in events(services, case_id, "step_skipped")] == ["sätts för hand"]
    paused = text_of(_post(browser, case_id, "suspend", {"reason": "utredning"}))
    assert "Ärendet är pausat." in paused and "Återuppta" in paused
    assert case_row(services, case_id).status == "suspended"
    again = text_of(_post(browser, case_id, "suspend", {"reason": "igen"}))
    assert "Bara ett pågående eller stoppat ärende kan pausas." in again
    assert "Ärendet är återupptaget." in text_of(_post(browser, case_id, "resume", {}))
    assert "Ärendet är avbrutet." in text_of(_post(browser, case_id, "cancel", {"reason": "dubblett"}))
    assert case_row(services, case_id).status == "cancelled"
    kinds = [e.kind for e in events(services, case_id, "case_suspended") + events(services, case_id, "case_resumed")
             + events(services, case_id, "case_cancelled")]
    assert kinds == ["case_suspended", "case_resumed", "case_cancelled"]


def test_move_a_timer_from_the_page_keeps_bad_input(services: Services, browser: Browser) -> None:
    services.clock.set(local("2027-03-01 09:00"))  # type: ignore[attr-defined]
    case_id = failed_case(services)  # the probe works: the case waits thirty days
    browser.login("falun_admin")
    html = browser.get(f"/cases/{case_id}")
    assert 'id="flytta-tidpunkt"' in html and 'value="2027-03-31"' in html
    bad = _post(browser, case_id, "timers/wait", {"due": "tionde mars", "reason": "tidigare"})
    assert 'value="tionde mars"' in bad and "Skriv ett datum som 2027-05-01" in text_of(bad)
    assert ">tidigare</textarea>" in bad
    done = text_of(_post(browser, case_id, "timers/wait", {"due": "2027-03-10", "reason": "tidigare beslut"}))
    assert "Tidpunkten ”Trettio dagar senare” är flyttad till 10 mars 2027 kl. 09:00." in done, done[:3000]
    assert case_row(services, case_id).next_timer_at == local("2027-03-10 09:00")
    assert events(services, case_id, "timer_moved")[0].actor_name == "falun_admin"


def test_the_team_lead_reassigns_from_the_page(services: Services, browser: Browser) -> None:
    case_id = start(services, "incident_probe", {})
    [task] = open_tasks(services, case_id)
    browser.login("owner")
    html = browser.get(f"/cases/{case_id}")
    assert 'id="tilldela"' in html and "Försök igen" not in html and "Avbryt ärendet" not in html
    assert '<option value="officer2">' in html and '<option value="lawyer">' not in html
    wrong = text_of(_post(browser, case_id, f"tasks/{task.id}/assign", {"username": "lawyer"}))
    assert "Välj en person som har rollen för uppgiften." in wrong
    done = text_of(_post(browser, case_id, f"tasks/{task.id}/assign", {"username": "officer2"}))
    assert "är tilldelad officer2" in done
    assert events(services, case_id, "task_assigned")[0].data["username"] == "officer2"


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("org_a", 403), ("sten_admin", 404)])
def test_others_see_no_panel_and_are_refused(services: Services, browser: Browser, broken: Any, who: str,
                                             status: int) -> None:
    case_id = failed_case(services)
    other = start(services, "incident_probe", {})
    [task] = open_tasks(services, other)
    browser.login(who)
    if who != "sten_admin":
        assert "Administrera ärendet" not in browser.get(f"/cases/{case_id}")
    token = browser.token("/login")
    for path in ("retry", "skip", "suspend", "resume", "cancel", "timers/wait", f"tasks/{task.id}/assign"):
        target = other if path.startswith("tasks") else case_id
        resp = browser.client.post(f"/cases/{target}/admin/{path}",
                                   data={"csrf_token": token, "reason": "x", "due": "2030-01-01",
                                         "username": "officer2"})
        assert resp.status_code == status, path
    assert case_row(services, case_id).status == "failed" and events(services, case_id, "case_retried") == []


def test_the_completing_officer_is_told_the_case_stopped(services: Services, browser: Browser, broken: Any) -> None:
    case_id = start(services, "incident_probe", {})
    [task] = open_tasks(services, case_id)
    browser.login("officer")
    resp = browser.post(f"/tasks/{task.id}", {"note": "klart"})
    assert resp.status_code == 302
    landing = text_of(browser.get(resp.headers["Location"]))
    assert "ärendet stoppades sedan av ett fel. Administratörerna har fått veta det." in landing
    assert case_row(services, case_id).status == "failed"
