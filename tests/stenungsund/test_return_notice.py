"""Stenungsund's preparation returns to a step when a check fails: the organisation reads which documents are
missing when the documents task comes back, the officer why the economic plan came back (`noticeFrom`)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.domain.orgnumber import with_check_digit
from app.services import Services
from tests.stenungsund import steps
from tests.web.pages import Browser, open_task, text_of

HEADING = "Ärendet har kommit tillbaka till det här steget"


def _page(client: FlaskClient, username: str, task_id: str, status: int = 200) -> str:
    browser = Browser(client)
    browser.login(username)
    return browser.get(f"/tasks/{task_id}", status=status)


def test_the_organisation_reads_which_documents_are_missing(client: FlaskClient, services: Services,
                                                            people: Any) -> None:
    steps.add_staff(services, "officer")
    case_id = steps.start(services)
    for name, data in [("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE), ("economic_plan", steps.PLAN)]:
        steps.complete(services, case_id, name, data)
    first = open_task(services, case_id)
    assert first.name == "documents"
    html = _page(client, "org_a", first.id)
    assert HEADING not in text_of(html) and "return-notice" not in html  # the first visit: nothing to tell

    steps.complete(services, case_id, "documents", steps.DOCS)
    partial = dict(steps.ALL_RECEIVED, doc_statutes_received=False, doc_audit_report_received=False)
    steps.complete(services, case_id, "documents_check", dict(partial, completion_request="Komplettera."))
    again = open_task(services, case_id)
    assert again.name == "documents"
    text = text_of(_page(client, "org_a", again.id))
    assert HEADING in text and "Stadgar; Revisionsberättelse." in text, text
    assert text.index(HEADING) < text.index("Stadgar; Revisionsberättelse.")
    # staff of the municipality may not open the organisation's task (only its people read the notice)
    _page(client, "st_officer", again.id, status=404)
    _page(client, "org_b", again.id, status=404)

    steps.complete(services, case_id, "documents", steps.DOCS)
    steps.complete(services, case_id, "documents_check", steps.ALL_RECEIVED)
    assert steps.names(services, case_id) == ["suitability"]
    assert "return-notice" not in _page(client, "st_officer", open_task(services, case_id).id)


def test_the_officer_reads_why_the_economic_plan_came_back(client: FlaskClient, services: Services,
                                                           people: Any) -> None:
    steps.add_staff(services, "officer")
    case_id = steps.start(services)
    for name, data in [("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE)]:
        steps.complete(services, case_id, name, data)
    first = open_task(services, case_id)
    assert first.name == "economic_plan"
    assert "return-notice" not in _page(client, "st_officer", first.id)
    bad = dict(steps.PLAN, parties=[{"name": "Bolaget AB", "org_number": "556036-0793"}])
    steps.complete(services, case_id, "economic_plan", bad)
    again = open_task(services, case_id)
    assert again.name == "economic_plan"
    text = text_of(_page(client, "st_officer", again.id))
    assert HEADING in text and "Bolaget AB" in text, text
    ok = dict(steps.PLAN, parties=[{"name": "Svenska kyrkan", "org_number": with_check_digit("252004345")}])
    steps.complete(services, case_id, "economic_plan", ok)
    assert steps.names(services, case_id) == ["documents"]
    assert open_task(services, case_id).meta == {}
