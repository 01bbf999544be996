"""De minimis at Stenungsund's board decision: the officer sees the three-year sum across every municipality
of the installation plus the organisation's declaration, a warning from 80 %, a refusal above the ceiling
(unless under the SGEI regulation), the aid recorded from the decision date and told to the organisation,
and GET /organisations/{id}/state-aid.

No second process grants money yet, so aid of another municipality (Falun) is inserted as rows directly."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.domain.accounts import add_user, municipality_by_slug, organisation_by_number
from app.driving.case_driver import CaseDriver, set_clock
from app.models import Notification, User
from app.models.state_aid import StateAid
from app.services import Services
from tests.conftest import ORG_A, PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.web.pages import Browser, as_form, text_of

PLAN = dict(steps.PLAN, economic_activity=True, other_de_minimis=[])  # 400 000 kr x 5 years = 2 000 000 kr
DECISION = dict(steps.DECISION, eur_rate=11.5)  # decided 2025-11-20: 173 913,04 euro
NEW_CENTS = 17_391_304


def _waiting(services: Services, plan: dict[str, Any] | None = None) -> tuple[int, str]:
    """A case at the board's decision (20 November 2025), and the decision task's id."""
    steps.set_clock(services, steps.midnight("2025-11-20"))
    case_id = steps.start(services)
    CaseDriver(services, case_id).complete_all(
        [("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE), ("economic_plan", plan or PLAN),
         ("documents", steps.DOCS), ("documents_check", steps.ALL_RECEIVED), ("suitability", steps.SUITABLE)])
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    task_id = next(t.id for t in steps.open_tasks(services, case_id) if t.name == "board_decision")
    return case_id, task_id


def _falun_aid(services: Services, decided_on: str, euros: int) -> None:
    """Aid Falun granted the same organisation (inserted: no Falun process grants money yet)."""
    with services.unit_of_work() as s:
        org = organisation_by_number(s, ORG_A)
        falun = municipality_by_slug(s, "falun")
        assert org is not None and falun is not None
        s.add(StateAid(organisation_id=org.id, municipality_id=falun.id, case_id=None, task_name="",
                       decided_on=date.fromisoformat(decided_on), amount_sek=euros * 11, eur_rate="11",
                       amount_eur_cents=euros * 100, regulation="de_minimis_2023_2831", confirmed_by_name="Falun",
                       recorded_at=services.clock.now()))


def _aid(services: Services) -> list[StateAid]:
    with services.unit_of_work() as s:
        rows = list(s.scalars(select(StateAid).order_by(StateAid.id)))
        s.expunge_all()
        return rows


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


def test_decision_records_the_aid_from_the_decision_date_and_tells_the_organisation(
        services: Services, api: Any) -> None:
    case_id, task_id = _waiting(services)
    set_clock(services, steps.midnight("2025-11-24"))  # recorded days later: the decision date counts
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete", {"data": DECISION})
    assert resp.status_code == 200, resp.get_json()
    [aid] = _aid(services)
    assert (aid.case_id, aid.decided_on, aid.amount_sek, aid.eur_rate, aid.amount_eur_cents, aid.regulation) == (
        case_id, date(2025, 11, 20), 2_000_000, "11.5", NEW_CENTS, "de_minimis_2023_2831")
    assert aid.confirmed_by_name
    with services.unit_of_work() as s:
        mails = list(s.scalars(select(Notification).where(Notification.kind == "state_aid")))
        assert mails
        body = mails[0].body
    assert "173\xa0913,04\xa0€" in body and "2\xa0000\xa0000\xa0kr" in body
    assert "förordning (EU) 2023/2831 om stöd av mindre betydelse" in body and "2025-11-20" in body


def test_no_economic_activity_is_no_aid(services: Services, api: Any) -> None:
    _, task_id = _waiting(services, dict(steps.PLAN))
    assert api("st_board").post(f"/api/v1/tasks/{task_id}/complete", {"data": steps.DECISION}).status_code == 200
    assert _aid(services) == []


def test_the_rate_is_required_and_named(services: Services, api: Any) -> None:
    case_id, task_id = _waiting(services)
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete", {"data": steps.DECISION})
    assert resp.status_code == 422
    assert "exchange rate (SEK per euro)" in resp.get_json()["error"]["fields"]["eur_rate"]  # the API: English
    assert "board_decision" in steps.names(services, case_id)


def test_two_municipalities_summed_warning_then_decided(services: Services, api: Any) -> None:
    _falun_aid(services, "2024-03-15", 70_000)
    _, task_id = _waiting(services)
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete", {"data": DECISION})
    assert resp.status_code == 200, resp.get_json()  # a warning does not stop the decision
    with services.unit_of_work() as s:
        org = organisation_by_number(s, ORG_A)
        assert org is not None
        org_id = org.id
    body = api("officer").get(f"/api/v1/organisations/{org_id}/state-aid?on=2025-11-20").get_json()
    assert body["window_eur"] == "243913.04"  # Falun's 70 000 + Stenungsund's 173 913,04
    assert (body["warning"], body["over_ceiling"]) == (True, False)
    assert [i["municipality"] for i in body["items"]] == ["falun", "stenungsund"]
    assert body["items"][0]["counts_until"] == "2027-03-14"
    # on exact dates: Falun's aid of 2024-03-15 counts until 2027-03-14, not the day after
    last = api("officer").get(f"/api/v1/organisations/{org_id}/state-aid?on=2027-03-14").get_json()
    after = api("officer").get(f"/api/v1/organisations/{org_id}/state-aid?on=2027-03-15").get_json()
    assert last["window_eur"] == "243913.04" and last["window_from"] == "2024-03-15"
    assert after["window_eur"] == "173913.04"
    assert [i["in_window"] for i in after["items"]] == [False, True]


def test_above_the_ceiling_is_refused_unless_sgei(services: Services, api: Any) -> None:
    _falun_aid(services, "2023-01-10", 250_000)
    case_id, task_id = _waiting(services)
    board = api("st_board")
    url = f"/api/v1/tasks/{task_id}/complete?lang=sv"
    resp = board.post(url, {"data": DECISION})
    assert resp.status_code == 422
    message = resp.get_json()["error"]["fields"]["state_aid_regulation"]
    assert "423\xa0913,04\xa0€" in message and "300\xa0000\xa0€" in message and "2023/2831" in message
    assert "board_decision" in steps.names(services, case_id) and _aid(services)[1:] == []
    resp = board.post(url, {"data": dict(DECISION, state_aid_regulation="sgei_2023_2832")})
    assert resp.status_code == 200, resp.get_json()
    assert _aid(services)[-1].regulation == "sgei_2023_2832"


def test_sgei_has_its_own_ceiling(services: Services, api: Any) -> None:
    _falun_aid(services, "2024-01-10", 600_000)
    _, task_id = _waiting(services)
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete?lang=sv",
                                {"data": dict(DECISION, state_aid_regulation="sgei_2023_2832")})
    assert resp.status_code == 422  # 773 913,04 > 750 000
    assert "2023/2832" in resp.get_json()["error"]["fields"]["state_aid_regulation"]


def test_aid_older_than_three_years_does_not_count(services: Services, api: Any) -> None:
    _falun_aid(services, "2022-11-20", 250_000)  # counted until 2025-11-19, the day before the decision
    _, task_id = _waiting(services)
    assert api("st_board").post(f"/api/v1/tasks/{task_id}/complete", {"data": DECISION}).status_code == 200


def test_the_declaration_of_other_aid_counts(services: Services, api: Any) -> None:
    declared = [{"grantor": "Region Västra Götaland", "decided_on": "2024-06-01", "amount_eur": 130000}]
    _, task_id = _waiting(services, dict(PLAN, other_de_minimis=declared))
    resp = api("st_board").post(f"/api/v1/tasks/{task_id}/complete?lang=sv", {"data": DECISION})
    assert resp.status_code == 422
    assert "303\xa0913,04\xa0€" in resp.get_json()["error"]["fields"]["state_aid_regulation"]


def test_the_page_shows_the_sum_the_warning_and_the_refusal(services: Services, browser: Browser) -> None:
    _falun_aid(services, "2024-03-15", 250_000)
    case_id, task_id = _waiting(services)
    browser.login("st_board")
    page = text_of(browser.get(f"/tasks/{task_id}"))
    assert "Stöd av mindre betydelse (de minimis)" in page
    assert "250 000 €" in page  # Falun's aid, before any rate is given
    assert "Varning: summan är 83 procent av taket" in page
    assert "2 000 000 kr; ange växelkursen" in page
    resp = browser.post(f"/tasks/{task_id}", as_form(dict(DECISION, eur_rate="11,5")))
    assert resp.status_code == 422
    html = text_of(resp.get_data(as_text=True))
    assert "Stödet kan inte beviljas enligt förordning (EU) 2023/2831" in html
    assert "Summan är 141 procent av taket. Beslutet kan inte fattas" in html
    assert "board_decision" in steps.names(services, case_id)


def test_state_aid_api_permissions(services: Services, api: Any, client: FlaskClient) -> None:
    _falun_aid(services, "2024-03-15", 1000)
    with services.unit_of_work() as s:
        org = organisation_by_number(s, ORG_A)
        assert org is not None
        org_id = org.id
    url = f"/api/v1/organisations/{org_id}/state-aid"
    assert api("other_officer").get(url).status_code == 200  # Stenungsund's staff see Falun's aid too
    assert api("officer").get(url).status_code == 200
    assert api("admin").get(url).status_code == 200
    own = api("org_a").get(url)
    assert own.status_code == 200 and own.get_json()["window_eur"] == "1000.00"
    assert api("org_b").get(url).status_code == 404  # another organisation's
    assert api("officer").get("/api/v1/organisations/999999/state-aid").status_code == 404
    assert api("officer").get(url + "?on=2025-02-30").status_code == 422
    assert client.get(url).status_code == 401


def test_a_renewal_is_a_new_grant_counted_from_its_decision(services: Services, api: Any) -> None:
    plan = dict(PLAN, period_start="2026-01-01", period_years=1)
    case_id = steps.to_decision(services, plan=plan, decision=DECISION)  # the system decides, with the rate
    [first] = _aid(services)
    assert (first.task_name, first.amount_sek, first.confirmed_by_name) == ("board_decision", 400_000, "")
    task_id = to_renewal_decision(services, case_id)
    url = f"/api/v1/tasks/{task_id}/complete"
    assert api("st_board").post(url, {"data": RENEWAL}).get_json()["error"]["fields"].keys() == {"eur_rate"}
    resp = api("st_board").post(url, {"data": dict(RENEWAL, eur_rate=11.2)})
    assert resp.status_code == 200, resp.get_json()
    aid = _aid(services)[-1]
    assert (aid.task_name, aid.decided_on, aid.amount_sek, aid.amount_eur_cents) == (
        "renewal_decision", date(2026, 9, 15), 840_000, 7_500_000)


RENEWAL: dict[str, Any] = {
    "board_renews": True, "renewal_decision_date": "2026-09-15", "renewal_minute_reference": "KS § 99",
    "renewal_yearly_support_sek": 420000, "renewal_years": 2, "renewal_interval": "yearly",
    "other_de_minimis_status": "unchanged"}  # 840 000 kr; at 11,2 kr per euro: 75 000 euro


def to_renewal_decision(services: Services, case_id: int) -> str:
    """A one-year agreement decided on 2025-11-20 taken to the board's renewal decision (2026-09-15)."""
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-06-01", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    steps.advance(services, "2026-09-15")
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    return next(t.id for t in steps.open_tasks(services, case_id) if t.name == "renewal_decision")
