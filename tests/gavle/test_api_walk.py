"""Gävle's process through the JSON API, each step by the role that owns it: the principles refused, going on with
no idea meeting refused with a message, and the full path to a running agreement with a payment and a follow-up,
whose agreement document shows the resources that are not money beside the money."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from docx import Document
from sqlalchemy import select

from app.domain.accounts import add_user
from app.driving.case_driver import set_clock
from app.models.agreement import Agreement
from app.services import Services
from tests.api.helpers import driver
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.gavle import steps
from tests.stenungsund.steps import advance, midnight

STAFF = {"gv_officer": "officer", "gv_board": "board", "gv_finance": "finance"}


@pytest.fixture
def gavle(services: Services, people: Any, api: Any) -> dict[str, Any]:
    """Gävle's staff, logged in to the API, and the organisation's representative (org_a of tests.conftest:
    steps.ORG is its organisation)."""
    with services.unit_of_work() as s:
        for username, role in STAFF.items():
            add_user(s, services.clock, username, PASSWORD, role, municipality="gavle", password_hash=PASSWORD_HASH)
    set_clock(services, midnight("2025-09-25"))  # after the idea meetings of steps.MEETING and steps.GO_ON
    return {name: api(name) for name in STAFF} | {"gv_org": api("org_a")}


def _start(users: dict[str, Any]) -> dict[str, Any]:
    return driver(users["gv_org"]).start("gavle", process="gavle_agreement")


def _do(users: dict[str, Any], who: str, case_id: int, name: str, data: dict[str, Any]) -> dict[str, Any]:
    return driver(users[who]).complete(case_id, name, data)


def test_gavle_offers_its_process(gavle: dict[str, Any]) -> None:
    case = driver(gavle["gv_org"]).start("gavle")  # the municipality's process, unnamed
    assert [t["name"] for t in case["open_tasks"]] == ["interest"]
    assert case["registration_number"].startswith("KS ")


def test_refusal_at_the_principles_check_reaches_the_organisation(gavle: dict[str, Any]) -> None:
    case = _start(gavle)
    _do(gavle, "gv_org", case["id"], "interest", steps.INTEREST)
    # the committee's check is the board's, not the officer's
    assert [t["name"] for t in driver(gavle["gv_officer"]).open_tasks(case["id"])] == []
    done = _do(gavle, "gv_board", case["id"], "principles", steps.REFUSED_PRINCIPLES)
    assert (done["status"], done["outcome"]) == ("completed", "principles_not_met")
    seen = gavle["gv_org"].get(f"/api/v1/cases/{case['id']}").get_json()
    assert seen["feedback"][-1]["text"] == steps.REFUSED_PRINCIPLES["principles_feedback"]


def test_a_refusal_needs_its_reasons(gavle: dict[str, Any]) -> None:
    case = _start(gavle)
    _do(gavle, "gv_org", case["id"], "interest", steps.INTEREST)
    task = driver(gavle["gv_board"]).task(case["id"], "principles")
    no_reasons = {k: v for k, v in steps.REFUSED_PRINCIPLES.items() if k != "principles_feedback"}
    resp = gavle["gv_board"].post(f"/api/v1/tasks/{task['id']}/complete", {"data": no_reasons})
    assert resp.status_code == 422
    assert "principles_feedback" in resp.get_json()["error"]["fields"]


def test_going_on_with_no_idea_meeting_is_refused_with_a_message(gavle: dict[str, Any]) -> None:
    case = _start(gavle)
    _do(gavle, "gv_org", case["id"], "interest", steps.INTEREST)
    _do(gavle, "gv_board", case["id"], "principles", steps.PRINCIPLES)
    officer = gavle["gv_officer"]
    task = driver(officer).task(case["id"], "dialogue")
    resp = officer.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.GO_ON_WITHOUT_MEETING})
    assert resp.status_code == 422
    message = resp.get_json()["error"]["fields"]["dialogue_complete"]
    assert message.startswith("No agreement can be drafted before at least one idea meeting is recorded")
    # a meeting without its date, participants and notes is no meeting
    resp = officer.post(f"/api/v1/tasks/{task['id']}/complete", {"data": {"meeting_held": True,
                                                                            "dialogue_complete": False}})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"meeting_date", "participants", "minutes"}
    _do(gavle, "gv_officer", case["id"], "dialogue", steps.MEETING)
    after = _do(gavle, "gv_officer", case["id"], "dialogue", steps.GO_ON_WITHOUT_MEETING)
    assert [t["name"] for t in after["open_tasks"]] == ["economic_plan"]


def test_full_path_to_a_running_agreement_with_a_payment_and_a_follow_up(
        services: Services, gavle: dict[str, Any]) -> None:
    case = _start(gavle)
    case_id = case["id"]
    owners = {"interest": "gv_org", "principles": "gv_board", "dialogue": "gv_officer",
              "economic_plan": "gv_officer", "documents": "gv_org", "documents_check": "gv_officer",
              "committee_decision": "gv_board"}
    for name, data in steps.PREPARATION:
        case = _do(gavle, owners[name], case_id, name, data)
    assert case["status"] == "running"
    with services.unit_of_work() as s:
        row = s.scalar(select(Agreement).where(Agreement.case_id == case_id))
        assert row is not None and row.status == "running"
        assert [(p.due.isoformat(), p.amount_sek) for p in row.payments] == [
            ("2026-01-01", 300000), ("2027-01-01", 300000), ("2028-01-01", 300000)]

    advance(services, "2026-01-01")  # the first payment is released to finance
    assert [t["name"] for t in driver(gavle["gv_finance"]).open_tasks(case_id)] == ["pay"]
    _do(gavle, "gv_finance", case_id, "pay", steps.PAYMENT)
    advance(services, "2026-11-01")  # the first follow-up opens two months before the anniversary
    _do(gavle, "gv_org", case_id, "report", steps.REPORT)
    _do(gavle, "gv_officer", case_id, "review", steps.APPROVE)
    with services.unit_of_work() as s:
        row = s.scalar(select(Agreement).where(Agreement.case_id == case_id))
        assert row is not None
        assert [(p.status, p.paid_on.isoformat() if p.paid_on else None) for p in row.payments][:2] == [
            ("paid", "2026-01-02"), ("planned", None)]
        assert [f.status for f in row.follow_ups][:1] == ["approved"]

    resp = gavle["gv_officer"].get(f"/api/v1/cases/{case_id}/agreement-document?format=docx")
    assert resp.status_code == 200
    document = Document(BytesIO(resp.data))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells]).replace("\xa0", " ")
    for item in ("1. Bakgrund", "4. Partnerskapets samfinansiering", "10. Marknadsföring och kommunikation"):
        assert item in text
    assert "Gävle kommun bidrar med 300 000 kr per år" in text
    assert "Kommunen: personal, Socialsekreterare 20 % (150 000 kr per år)" in text
    assert "Kommunen: lokaler, Lokal på Norra Kungsgatan (120 000 kr per år)" in text
    assert "Värderat sammanlagt per år: kommunen 270 000 kr, organisationen 80 000 kr." in text
    assert "senast den 22 september 2025" in text
    assert "Allas lika värde" in text


def test_de_minimis_is_checked_and_recorded_at_the_committees_decision(
        services: Services, gavle: dict[str, Any]) -> None:
    """An organisation with economic activity: the committee's decision needs the rate of the decision date,
    and the aid it grants (300 000 kr x 3 years at 11.5 kr/EUR) is recorded from the decision date."""
    from app.models.state_aid import StateAid

    case = _start(gavle)
    owners = {"interest": "gv_org", "principles": "gv_board", "dialogue": "gv_officer",
              "economic_plan": "gv_officer", "documents": "gv_org", "documents_check": "gv_officer"}
    for name, data in steps.PREPARATION[:-1]:
        if name == "economic_plan":
            data = dict(data, economic_activity=True, other_de_minimis=[])
        _do(gavle, owners[name], case["id"], name, data)
    board = gavle["gv_board"]
    task = driver(board).task(case["id"], "committee_decision")
    resp = board.post(f"/api/v1/tasks/{task['id']}/complete", {"data": steps.DECISION})
    assert resp.status_code == 422 and "eur_rate" in resp.get_json()["error"]["fields"]
    _do(gavle, "gv_board", case["id"], "committee_decision", dict(steps.DECISION, eur_rate=11.5))
    with services.unit_of_work() as s:
        [aid] = s.scalars(select(StateAid)).all()
        assert (aid.decided_on.isoformat(), aid.amount_sek, aid.amount_eur_cents) == ("2025-11-20", 900_000,
                                                                                      7_826_087)
