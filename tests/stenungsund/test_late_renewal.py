"""A renewal decided after the decision deadline (three months before the period ends): the municipality's
`late_renewal_decision` either lets it stand with a warning in the case history ("warn", the default) or refuses
it ("refuse": 422 in the API, a named error on the task page with what was typed kept)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.core.municipal_settings import MunicipalSettings, configure
from app.domain.accounts import add_user, municipality_by_slug
from app.models import User
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.web.pages import Browser, as_form, text_of

ONE_YEAR = dict(steps.PLAN, period_start="2026-01-01", period_years=1)  # deadline 2026-09-30
DECISION = {"board_renews": True, "renewal_decision_date": "2026-10-15", "renewal_minute_reference": "KS § 99",
            "renewal_yearly_support_sek": 420000, "renewal_years": 2, "renewal_interval": "yearly"}
ROOT = Path(__file__).resolve().parents[2]


def _waiting_for_decision(services: Services, day: str = "2026-10-16") -> int:
    case_id = steps.to_decision(services, plan=ONE_YEAR)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-06-01", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    steps.advance(services, day)
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    return case_id


def _task_id(services: Services, case_id: int) -> str:
    return next(t.id for t in steps.open_tasks(services, case_id) if t.name == "renewal_decision")


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


@pytest.fixture
def refuse(services: Services) -> None:
    """Stenungsund's settings with late renewal decisions refused."""
    spec = json.loads((ROOT / "config" / "municipalities" / "stenungsund.json").read_text(encoding="utf-8"))
    spec["settings"]["late_renewal_decision"] = "refuse"
    with services.unit_of_work() as s:
        configure(municipality_by_slug(s, "stenungsund"), MunicipalSettings.from_mapping(spec["settings"]))


def test_warn_lets_the_decision_stand_and_records_it(services: Services, api: Any, browser: Browser) -> None:
    case_id = _waiting_for_decision(services)
    resp = api("st_board").post(f"/api/v1/tasks/{_task_id(services, case_id)}/complete", {"data": DECISION})
    assert resp.status_code == 200, resp.get_json()
    kinds = [e["kind"] for e in resp.get_json()["history"]]
    assert "late_renewal_decision" in kinds
    assert "renewal_decision" not in steps.names(services, case_id)
    assert [n for n in steps.names(services, case_id) if n.startswith("escalate")] == []  # the decision closed them
    browser.login("st_board")
    page = text_of(browser.get(f"/cases/{case_id}"))
    assert "Beslutet om ny avtalsperiod kom efter tidsgränsen 30 september 2026" in page


def test_on_time_decision_records_nothing(services: Services, api: Any) -> None:
    case_id = _waiting_for_decision(services, day="2026-09-15")
    resp = api("st_board").post(f"/api/v1/tasks/{_task_id(services, case_id)}/complete",
                                {"data": dict(DECISION, renewal_decision_date="2026-09-15")})
    assert resp.status_code == 200
    assert "late_renewal_decision" not in [e["kind"] for e in resp.get_json()["history"]]


def test_refuse_answers_422_in_the_api(services: Services, api: Any, refuse: None) -> None:
    case_id = _waiting_for_decision(services)
    board = api("st_board")
    url = f"/api/v1/tasks/{_task_id(services, case_id)}/complete"
    resp = board.post(url, {"data": DECISION})
    assert resp.status_code == 422
    message = resp.get_json()["error"]["fields"]["renewal_decision_date"]
    assert "2026-09-30" in message and "2026-12-31" in message
    assert "renewal_decision" in steps.names(services, case_id)  # still open
    # a decision taken in time but recorded late is accepted; so is a late decision not to renew
    assert board.post(url + "?lang=sv", {"data": dict(DECISION, renewal_decision_date="2026-09-29")}
                      ).status_code == 200


def test_refuse_allows_declining_late(services: Services, api: Any, refuse: None) -> None:
    case_id = _waiting_for_decision(services)
    resp = api("st_board").post(f"/api/v1/tasks/{_task_id(services, case_id)}/complete", {"data": {
        "board_renews": False, "renewal_decision_date": "2026-10-15", "renewal_minute_reference": "KS § 100"}})
    assert resp.status_code == 200, resp.get_json()


def test_refuse_names_the_error_on_the_page_and_keeps_the_data(services: Services, browser: Browser,
                                                               refuse: None) -> None:
    case_id = _waiting_for_decision(services)
    task_id = _task_id(services, case_id)
    browser.login("st_board")
    resp = browser.post(f"/tasks/{task_id}", as_form(DECISION))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "Kommunens regler tillåter inte sena beslut om förnyelse" in text and "2026-09-30" in text
    assert 'value="KS § 99"' in html and 'value="2026-10-15"' in html and 'value="420000"' in html
    assert "renewal_decision" in steps.names(services, case_id)
