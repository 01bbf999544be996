"""De minimis exchange rates as a user types them on the committee's decision page or sends them to the API: each
nonsense rate is refused naming the rate (never a 500), a sensible one with a decimal comma is taken."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app.models import User
from app.services import Services
from tests.stenungsund import steps
from tests.stenungsund.test_state_aid import DECISION, _waiting
from tests.web.pages import Browser, as_form, text_of

NONSENSE = ["1e308", "1e-300", "NaN", "nan", "sNaN", "inf", "-inf", "-0", "0", "11,2,3", "0,00001", "1000,5",
            "1e3000", "elva", "11 kr"]


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


def test_nonsense_rates_on_the_page_are_named(services: Services, browser: Browser) -> None:
    case_id, task_id = _waiting(services)
    browser.login("st_board")
    for rate in NONSENSE:
        resp = browser.post(f"/tasks/{task_id}", as_form(dict(DECISION, eur_rate=rate)))
        assert resp.status_code == 422, (rate, resp.status_code)  # "1e308" and "1e-300" were a 500
        assert "Fel" in text_of(resp.get_data(as_text=True)), rate
    assert "board_decision" in steps.names(services, case_id)
    resp = browser.post(f"/tasks/{task_id}", as_form(dict(DECISION, eur_rate="11,5")))
    assert resp.status_code == 302
    assert "board_decision" not in steps.names(services, case_id)


@pytest.mark.parametrize("rate", [1e-300, 1e300, 0.00001, 1000.5, -0.0, "1e308", "NaN", "11,2,3", [11.5], {"r": 1}])
def test_nonsense_rates_in_the_api_are_named(services: Services, api: Any, rate: Any) -> None:
    case_id, task_id = _waiting(services)
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete", {"data": dict(DECISION, eur_rate=rate)})
    assert resp.status_code == 422, (rate, resp.get_json())
    assert "eur_rate" in resp.get_json()["error"]["fields"], resp.get_json()
    assert "board_decision" in steps.names(services, case_id)
