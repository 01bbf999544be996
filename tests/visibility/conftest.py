"""Cases whose staff wrote something the organisation must not see yet (the Falun lawyer's reasoning) or may
never see (a women's shelter's visitor statistics, secret under OSL 26 kap. 1 §), and logged-in clients."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from app.domain.accounts import add_user
from app.driving.case_driver import CaseDriver, start_case
from app.services import Services
from tests import falun_steps
from tests.conftest import ORG_A, PASSWORD
from tests.notifications.conftest import smtp  # noqa: F401 - the real SMTP server fixture
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of

REASONING = "INTERN-BEDÖMNING-4711"  # the lawyer's reasoning: staff's until the case closes
LEGAL_OK = {"iop_right_form": True, "motivation": f"{REASONING}: föreningen bedriver ingen ekonomisk verksamhet."}
LEGAL_WRONG = {"iop_right_form": False, "alternative_form": "procurement",
               "motivation": f"{REASONING}: kommunen köper en tjänst."}
VISITORS = 7319  # a women's shelter's visitor count: secret
VISITOR_TEXTS = ("7319", "7\u00a0319", "7 319")  # raw (API) and as pages and exports write it


def shows_visitors(text: str) -> bool:
    return any(shown in text for shown in VISITOR_TEXTS)
REPORT = {**steps.REPORT, "statistics_values": {"individkontakter": VISITORS, "unika personer": 4127}}
GROUND = "OSL 26 kap. 1 §"
MASK = f"Sekretess: {GROUND}"
# what only the municipality's staff may read in a history
STAFF_KINDS = {"task_claimed", "task_unclaimed", "task_assigned", "timer_fired", "timer_moved", "incident",
               "case_retried", "step_skipped", "case_suspended", "case_resumed", "migrated", "migration_reverted",
               "late_renewal_decision"}


def falun_case(services: Services, legal: dict[str, Any] | None = None) -> int:
    """A Falun case at the legal assessment, or past it with `legal`."""
    case_id = start_case(services, "falun", ORG_A, process_id="falun_initiative")
    driver = CaseDriver(services, case_id)
    driver.complete("checklist", falun_steps.CHECKLIST)
    driver.complete("initiative", falun_steps.INITIATIVE)
    if legal is not None:
        driver.complete("legal_assessment", legal)
    return case_id


def shelter_report(services: Services) -> int:
    """Kvinnojouren's agreement with its first follow-up report sent (statistics included)."""
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-11-01")
    steps.complete(services, case_id, "report", REPORT)
    return case_id


@pytest.fixture
def shelter_people(services: Services, people: Any, password_hash: str) -> dict[str, str]:
    return add_shelter_people(services, password_hash)


def add_shelter_people(services: Services, password_hash: str) -> dict[str, str]:
    """Kvinnojouren's representative and Stenungsund's finance officer (the officer is people's other_officer)."""
    with services.unit_of_work() as s:
        add_user(s, services.clock, "karin", PASSWORD, "organisation", organisation=steps.ORG,
                 email="karin@example.org", password_hash=password_hash)
        add_user(s, services.clock, "frida", PASSWORD, "finance", municipality="stenungsund",
                 email="frida@example.org", password_hash=password_hash)
    return {"organisation": "karin", "officer": "other_officer", "finance": "frida"}


def logged_in(app: Flask, username: str) -> Browser:
    """A page client of its own, logged in through the log-in form."""
    browser = Browser(app.test_client())
    browser.login(username)
    return browser


def page_text(app: Flask, username: str, url: str) -> str:
    return text_of(logged_in(app, username).get(url))


def token_headers(app: Flask, username: str) -> dict[str, str]:
    resp = app.test_client().post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def api_case(app: Flask, username: str, case_id: int) -> dict[str, Any]:
    resp = app.test_client().get(f"/api/v1/cases/{case_id}", headers=token_headers(app, username))
    assert resp.status_code == 200, resp.get_json()
    return dict(resp.get_json())


def dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
