"""Attacks on starting a case for an organisation and on a municipality's settings (issue 14): each refused with a
status and a message naming the field, never a 500; nothing is stored by a refused request."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.municipal_settings import settings_of
from app.domain.accounts import municipality_by_slug
from app.models import Case
from app.services import Services
from tests.conftest import Api
from tests.kungsbacka import steps
from tests.web.pages import Browser

CASES = "/api/v1/cases"
KUNGSBACKA = "/api/v1/municipalities/kungsbacka/settings"
GAVLE = "/api/v1/municipalities/gavle/settings"


def _call(api: Any, username: str, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    caller: Api = api(username)
    resp = getattr(caller.client, method)(url, headers=caller.headers, json=body)
    return resp.status_code, resp.get_json()


def case_count(s: Any) -> int:
    return len(s.scalars(select(Case.id)).all())


def _case_count(api: Any, username: str) -> int:
    return int(api(username).get(CASES).get_json()["total"])


@pytest.mark.parametrize(("username", "body", "status", "field"), [
    ("kb_officer", {"municipality": "gavle", "organisation": steps.ORG}, 403, None),  # another municipality
    ("ga_officer", {"municipality": "kungsbacka", "organisation": steps.ORG}, 403, None),
    ("kb_officer", {"municipality": "kungsbacka", "process": "gavle_agreement", "organisation": steps.ORG}, 422,
     "process"),
    ("kb_officer", {"municipality": "kungsbacka", "process": "falun_initiative", "organisation": steps.ORG}, 422,
     "process"),
    ("kb_officer", {"municipality": "kungsbacka", "organisation": 802400_0005}, 422, "organisation"),
    ("kb_officer", {"municipality": "kungsbacka", "organisation": [steps.ORG]}, 422, "organisation"),
    ("kb_officer", {"municipality": "kungsbacka", "organisation": steps.ORG, "process": {"a": 1}}, 422, "process"),
    ("kb_officer", {"municipality": "kungsbacka", "organisation": steps.ORG, "data": {"enters": True}}, 422,
     "enters"),
    ("kb_lawyer", {"municipality": "kungsbacka", "organisation": steps.ORG}, 403, None),
    ("kb_board", {"municipality": "kungsbacka", "organisation": steps.ORG}, 403, None),
    ("kb_finance", {"municipality": "kungsbacka", "organisation": steps.ORG}, 403, None),
    ("kb_admin", {"municipality": "kungsbacka", "organisation": steps.ORG}, 403, None),
    ("org_a", {"municipality": "kungsbacka", "organisation": steps.PARTNER}, 403, None),  # another organisation
    ("org_a", {"municipality": "kungsbacka", "process": "gavle_agreement"}, 422, "process"),
    ("org_a", {"municipality": "gavle", "process": "kungsbacka_agreement"}, 422, "process"),
])
def test_starting_a_case_outside_ones_reach_is_refused(api: Any, kb_people: Any, username: str, body: Any,
                                                       status: int, field: str | None) -> None:
    got, payload = _call(api, username, "post", CASES, body)
    assert got == status, payload
    if field:
        assert field in payload["error"]["fields"], payload
    assert _case_count(api, "kb_officer") == 0


def test_a_municipality_offering_nothing_starts_nothing(api: Any, kb_people: Any) -> None:
    """With an empty process list, naming any deployed process (another municipality's) must not start it."""
    assert _call(api, "kb_admin", "put", KUNGSBACKA, {"processes": []})[0] == 200
    for username, body in (("kb_officer", {"municipality": "kungsbacka", "process": "falun_initiative",
                                           "organisation": steps.ORG}),
                           ("org_a", {"municipality": "kungsbacka", "process": "gavle_agreement"}),
                           ("org_a", {"municipality": "kungsbacka"})):
        status, payload = _call(api, username, "post", CASES, body)
        assert status == 422 and "process" in payload["error"]["fields"], (username, payload)
    assert _case_count(api, "kb_officer") == 0


def test_another_municipalitys_settings_are_out_of_reach(api: Any, kb_people: Any) -> None:
    for username in ("ga_admin", "ga_officer", "kb_officer", "kb_lawyer", "kb_board", "kb_finance", "org_a"):
        assert _call(api, username, "get", KUNGSBACKA)[0] == 403, username
        for method in ("put", "patch"):
            assert _call(api, username, method, KUNGSBACKA, {"max_agreement_years": 4})[0] == 403, username
    assert _call(api, "kb_admin", "put", GAVLE, {"max_agreement_years": 4})[0] == 403
    assert _call(api, "kb_admin", "get", KUNGSBACKA)[1]["settings"]["max_agreement_years"] == 5
    assert _call(api, "ga_admin", "get", GAVLE)[1]["settings"]["max_agreement_years"] == 5


@pytest.mark.parametrize(("body", "field"), [
    ({"max_agreement_years": 10**15}, "max_agreement_years"),
    ({"max_agreement_years": 2**60}, "max_agreement_years"),
    ({"max_agreement_years": 1.5}, "max_agreement_years"),
    ({"payment_overdue_days": None}, "payment_overdue_days"),
    ({"renewal_dialogue_months_before_end": -3}, "renewal_dialogue_months_before_end"),
    ({"follow_up_opens_months_before_anniversary": -1}, "follow_up_opens_months_before_anniversary"),
    ({"reminder_days_before_due": -1}, "reminder_days_before_due"),
    ({"colour": {"nested": [1, {"junk": None}]}}, "colour"),
    ({"default_payment_interval": ["yearly"]}, "default_payment_interval"),
    ({"late_renewal_decision": {"a": "b"}}, "late_renewal_decision"),
    ({"guidelines_review_on": {"x": 1}}, "guidelines_review_on"),
    ({"guidelines_review_on": "02-30"}, "guidelines_review_on"),
    ({"processes": "kungsbacka_agreement"}, "processes"),
    ({"processes": None}, "processes"),  # was a 500
    ({"processes": [["kungsbacka_agreement"]]}, "processes"),
    ({"processes": [{"id": "kungsbacka_agreement"}]}, "processes"),
    ({"processes": ["gavle_agreement"]}, "processes"),
    ({"processes": ["kungsbacka_agreement", "gavle_agreement"]}, "processes"),
    ({"processes": ["no_such_process"]}, "processes"),
    ({"processes": ["kungsbacka_agreement"] * 1000}, "processes"),  # was stored as given
    ({"retention_years": {"gavle_agreement": 5}}, "retention_years"),  # was stored
    ({"retention_years": {"no_such_process": 5}}, "retention_years"),  # was stored
    ({"retention_years": {"kungsbacka_agreement": {"a": [1]}}}, "retention_years"),
    ({"retention_years": {"kungsbacka_agreement": 10**15}}, "retention_years"),
    ({"retention_years": []}, "retention_years"),
])
def test_bad_settings_are_refused_naming_the_field(api: Any, kb_people: Any, body: Any, field: str) -> None:
    for method in ("put", "patch"):
        status, payload = _call(api, "kb_admin", method, KUNGSBACKA, body)
        assert status == 422 and field in payload["error"]["fields"], (body, payload)
    stored = _call(api, "kb_admin", "get", KUNGSBACKA)[1]
    assert stored["changes"] == [] and stored["settings"]["processes"] == ["kungsbacka_agreement"]


def test_retention_for_the_own_process_is_kept(api: Any, kb_people: Any) -> None:
    status, payload = _call(api, "kb_admin", "patch", KUNGSBACKA, {"retention_years": {"kungsbacka_agreement": 10}})
    assert status == 200 and payload["settings"]["retention_years"] == {"kungsbacka_agreement": 10}, payload


def test_the_new_pages_refuse_posts_without_csrf_and_other_municipalities(client: FlaskClient, kb_people: Any,
                                                                         services: Services) -> None:
    browser = Browser(client)
    browser.login("ga_admin")
    assert client.get("/admin/settings/?municipality=kungsbacka").status_code == 404
    assert client.post("/admin/settings/", data={"max_agreement_years": "4"}).status_code == 400
    assert client.post("/admin/settings/", data={"municipality": "kungsbacka", "max_agreement_years": "4"}
                       ).status_code == 400
    resp = browser.post("/admin/settings/", {"municipality": "kungsbacka", "max_agreement_years": "4"},
                        page="/admin/settings/")
    assert resp.status_code == 404, resp.status_code  # a municipality administrator has no choice of municipality
    for username in ("kb_officer", "kb_lawyer", "org_a"):
        browser.login(username)
        assert client.get("/admin/settings/").status_code == 403, username
    browser.login("kb_officer")
    assert client.post("/cases/new/", data={"organisation": steps.ORG, "process": steps.PROCESS}).status_code == 400
    resp = browser.post("/cases/new/", {"organisation": steps.ORG, "process": "gavle_agreement"})
    assert resp.status_code == 422
    with services.unit_of_work() as s:
        assert settings_of(municipality_by_slug(s, "kungsbacka")).agreement.max_agreement_years == 5
        assert case_count(s) == 0

