"""De minimis on every path to a decision: completions without a user are checked as a user's are; a renewal
is weighed with the organisation's fresh declaration on the renewal's own decision date; the rate is typed
with a decimal comma, and nonsense is refused with its own message while the form keeps what was typed; the
window on exact dates at the decision itself."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app.core.errors import InvalidData
from app.driving.case_driver import CaseDriver
from app.models import User
from app.services import Services
from tests.stenungsund import steps
from tests.stenungsund.test_state_aid import (
    DECISION,
    PLAN,
    RENEWAL,
    _aid,
    _falun_aid,
    _waiting,
    to_renewal_decision,
)
from tests.web.pages import Browser, as_form, text_of


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


def test_a_completion_without_a_user_is_checked_as_a_users_is(services: Services,
                                                                people: dict[str, User]) -> None:
    # the system completes the decision (app.driving without an actor: the demo, the simulation, scripts)
    _falun_aid(services, "2024-03-15", 250_000)
    case_id, _ = _waiting(services)
    driver = CaseDriver(services, case_id)
    with pytest.raises(InvalidData) as missing:
        driver.complete("board_decision", steps.DECISION)
    assert set(missing.value.fields) == {"eur_rate"}
    with pytest.raises(InvalidData) as above:
        driver.complete("board_decision", DECISION)  # 250 000 + 173 913,04 euro
    assert "2023/2831" in above.value.fields["state_aid_regulation"]
    assert "board_decision" in steps.names(services, case_id)
    assert [a.municipality_id for a in _aid(services)] == [_aid(services)[0].municipality_id]  # Falun's only
    driver.complete("board_decision", dict(DECISION, state_aid_regulation="sgei_2023_2832"))
    aid = _aid(services)[-1]
    assert (aid.case_id, aid.regulation, aid.amount_eur_cents, aid.confirmed_by_name) == (
        case_id, "sgei_2023_2832", 17_391_304, "")
    assert "board_decision" not in steps.names(services, case_id)


@pytest.mark.parametrize(("decided_on", "status"), [("2027-03-14", 422), ("2027-03-15", 200)])
def test_the_decision_sees_aid_of_2024_03_15_until_2027_03_14(services: Services, api: Any, decided_on: str,
                                                              status: int) -> None:
    # 250 000 euro decided on 2024-03-15 plus this decision's 173 913,04: above the ceiling while it counts
    _falun_aid(services, "2024-03-15", 250_000)
    _, task_id = _waiting(services)
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete",
                                {"data": dict(DECISION, decision_date=decided_on)})
    assert resp.status_code == status, resp.get_json()


def _renewal_case(services: Services, declared: list[dict[str, Any]]) -> str:
    """A one-year agreement (400 000 kr at 11,5: 34 782,61 euro, decided 2025-11-20) whose plan declared
    `declared`, Falun's 160 000 euro of 2026-02-01, at the renewal decision of 2026-09-15."""
    plan = dict(PLAN, period_start="2026-01-01", period_years=1, other_de_minimis=declared)
    case_id = steps.to_decision(services, plan=plan, decision=DECISION)
    _falun_aid(services, "2026-02-01", 160_000)
    return to_renewal_decision(services, case_id)


def test_a_renewal_needs_a_fresh_declaration_and_weighs_it(services: Services, api: Any) -> None:
    # the plan declared 130 000 euro of 2024-06-01 (counts until 2027-05-31)
    task_id = _renewal_case(services, [{"grantor": "Region", "decided_on": "2024-06-01", "amount_eur": 130000}])
    board = api("st_board")
    url = f"/api/v1/tasks/{task_id}/complete?lang=sv"
    data = dict(RENEWAL, eur_rate=11.2)  # 75 000 euro
    del data["other_de_minimis_status"]
    resp = board.post(url, {"data": data})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"].keys() == {"other_de_minimis_status"}
    assert "inför den nya perioden" in resp.get_json()["error"]["fields"]["other_de_minimis_status"]
    # the earlier declaration still holds: 34 782,61 + 160 000 + 130 000 + 75 000 = 399 782,61 > 300 000
    resp = board.post(url, {"data": dict(data, other_de_minimis_status="unchanged")})
    assert resp.status_code == 422
    assert "399\xa0782,61\xa0€" in resp.get_json()["error"]["fields"]["state_aid_regulation"]
    # a new declaration replaces it: the region's aid is repaid, a new 40 000 of 2026-08-01 counts instead
    fresh = [{"grantor": "Länsstyrelsen", "decided_on": "2026-08-01", "amount_eur": 40000}]
    resp = board.post(url, {"data": dict(data, other_de_minimis_status="updated", other_de_minimis=fresh)})
    assert resp.status_code == 422
    assert "309\xa0782,61\xa0€" in resp.get_json()["error"]["fields"]["state_aid_regulation"]
    resp = board.post(url, {"data": dict(data, other_de_minimis_status="updated", other_de_minimis=[])})
    assert resp.status_code == 200, resp.get_json()  # 269 782,61: a warning, not a refusal
    assert _aid(services)[-1].task_name == "renewal_decision"


def test_a_renewal_counts_the_declaration_on_its_own_decision_date(services: Services, api: Any) -> None:
    # declared aid of 2023-09-01 counts until 2026-08-31: at the first decision, not at the renewal (2026-09-15)
    task_id = _renewal_case(services, [{"grantor": "Region", "decided_on": "2023-09-01", "amount_eur": 130000}])
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete",
                                {"data": dict(RENEWAL, eur_rate=11.2, other_de_minimis_status="unchanged")})
    assert resp.status_code == 200, resp.get_json()
    assert _aid(services)[-1].task_name == "renewal_decision"


def test_the_rate_takes_a_decimal_comma_and_refuses_nonsense(services: Services, browser: Browser,
                                                             api: Any) -> None:
    case_id, task_id = _waiting(services)
    browser.login("st_board")
    typed = dict(DECISION, minute_reference="KS § 321", board_feedback="Välkomna!")
    for nonsense in ("elva", "0", "-11,5", "11,5,2"):
        resp = browser.post(f"/tasks/{task_id}", as_form(dict(typed, eur_rate=nonsense)))
        assert resp.status_code == 422, nonsense
        html = resp.get_data(as_text=True)
        assert "Skriv växelkursen som ett tal större än noll, till exempel 11,2345" in text_of(html), nonsense
        assert 'value="KS § 321"' in html and "Välkomna!" in html and f'value="{nonsense}"' in html
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete", {"data": dict(DECISION, eur_rate="elva")})
    assert "for example 11.2345" in resp.get_json()["error"]["fields"]["eur_rate"]
    page = browser.get(f"/tasks/{task_id}")
    assert 'name="eur_rate" type="text"' in page and 'inputmode="decimal"' in page
    resp = browser.post(f"/tasks/{task_id}", as_form(dict(typed, eur_rate="11,2345")))
    assert resp.status_code in (200, 302, 303), text_of(resp.get_data(as_text=True))[:500]
    [aid] = _aid(services)
    assert (aid.eur_rate, aid.amount_eur_cents) == ("11.2345", 17_802_305)  # 2 000 000 kr / 11,2345
    assert "board_decision" not in steps.names(services, case_id)
