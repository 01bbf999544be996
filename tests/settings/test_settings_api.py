"""GET/PUT/PATCH /api/v1/municipalities/<slug>/settings: the municipality's administrator reads and changes its
settings, each value validated (422 naming every field at fault), each change recorded; nobody else changes them."""

from __future__ import annotations

from typing import Any

from app.domain import settings_admin
from app.services import Services
from tests.conftest import Api

URL = "/api/v1/municipalities/stenungsund/settings"


def _put(api: Any, username: str, body: Any, url: str = URL, method: str = "put") -> Any:
    caller: Api = api(username)
    return getattr(caller.client, method)(url, headers=caller.headers, json=body)


def test_the_administrator_reads_and_changes_the_settings(api: Any, admins: None, services: Services) -> None:
    found = api("st_admin").get(URL)
    assert found.status_code == 200
    body = found.get_json()
    assert body["municipality"] == "stenungsund" and body["changes"] == []
    assert body["settings"]["renewal_dialogue_months_before_end"] == 9
    assert body["settings"]["processes"] == ["stenungsund_agreement"]

    changed = _put(api, "st_admin", {"renewal_dialogue_months_before_end": 6, "default_repayment_rule": "none",
                                     "retention_years": {"stenungsund_agreement": 10}})
    assert changed.status_code == 200, changed.get_json()
    after = changed.get_json()
    assert after["settings"]["renewal_dialogue_months_before_end"] == 6
    assert after["settings"]["default_repayment_rule"] == "none"
    assert after["settings"]["renewal_deadline_months_before_end"] == 3  # not named: kept
    assert sorted(((c["field"], c["old"], c["new"], c["changed_by"]) for c in after["changes"]), key=str) == sorted([
        ("renewal_dialogue_months_before_end", 9, 6, "Sara Admin"),
        ("default_repayment_rule", "pro_rata", "none", "Sara Admin"),
        ("retention_years", {}, {"stenungsund_agreement": 10}, "Sara Admin")], key=str)
    assert all(c["changed_at"].startswith(services.clock.now().isoformat()[:10]) for c in after["changes"])

    patched = _put(api, "st_admin", {"renewal_dialogue_months_before_end": 6, "max_agreement_years": 4},
                   method="patch")
    assert patched.status_code == 200
    assert [c["field"] for c in patched.get_json()["changes"]][:1] == ["max_agreement_years"]  # 6 -> 6: no change
    assert len(patched.get_json()["changes"]) == 4
    assert api("st_owner").get(URL).get_json()["settings"]["max_agreement_years"] == 4


def test_invalid_values_are_refused_naming_each_field(api: Any, admins: None) -> None:
    bad = _put(api, "st_admin", {"max_agreement_years": 11, "default_payment_interval": "weekly",
                                 "guidelines_review_on": "02-29", "payment_overdue_days": "10"})
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert set(fields) == {"max_agreement_years", "default_payment_interval", "guidelines_review_on",
                           "payment_overdue_days"}
    assert "between 1 and 10" in fields["max_agreement_years"] and "weekly" not in fields["default_payment_interval"]
    assert "whole number" in fields["payment_overdue_days"]

    crossed = _put(api, "st_admin", {"renewal_dialogue_months_before_end": 2})  # the deadline is 3 months
    assert crossed.status_code == 422
    # the setting that was changed is named; the message names the rule between the two
    assert set(crossed.get_json()["error"]["fields"]) == {"renewal_dialogue_months_before_end"}
    assert "renewal_deadline_months_before_end" in crossed.get_json()["error"]["fields"][
        "renewal_dialogue_months_before_end"]

    for body, field in (({"colour": "blue"}, "colour"), ({"processes": ["no_such_process"]}, "processes"),
                        ({"retention_years": {"stenungsund_agreement": 0}}, "retention_years"),
                        ({"max_agreement_years": True}, "max_agreement_years"), ({}, "body")):
        refused = _put(api, "st_admin", body)
        assert refused.status_code == 422 and field in refused.get_json()["error"]["fields"], (body, refused.json)
    falun_process = _put(api, "st_admin", {"processes": ["stenungsund_agreement", "falun_initiative"]})
    assert "another municipality owns: falun_initiative" in falun_process.get_json()["error"]["fields"]["processes"]
    assert api("st_admin").get(URL).get_json()["changes"] == []  # nothing was stored


def test_only_the_municipalitys_administrator_changes_them(api: Any, admins: None) -> None:
    assert _put(api, "fa_admin", {"max_agreement_years": 4}).status_code == 403
    assert api("fa_admin").get(URL).status_code == 403
    assert _put(api, "st_owner", {"max_agreement_years": 4}).status_code == 403
    assert api("other_officer").get(URL).status_code == 403
    assert api("st_admin").get("/api/v1/municipalities/nowhere/settings").status_code == 404
    assert _put(api, "admin", {"max_agreement_years": 4}).status_code == 200  # the installation's administrator
    assert api("st_admin").get(URL).get_json()["settings"]["max_agreement_years"] == 4


def test_the_openapi_document_describes_the_endpoint(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/municipalities/{slug}/settings"]) == {"get", "put", "patch"}


def test_changes_are_listed_newest_first(services: Services, admins: None) -> None:
    from app.domain.accounts import municipality_by_slug

    with services.unit_of_work() as s:
        stenungsund = municipality_by_slug(s, "stenungsund")
        settings_admin.update_settings(s, services.clock, None, stenungsund, {"reminder_days_before_due": 5})
        settings_admin.update_settings(s, services.clock, None, stenungsund, {"reminder_days_before_due": 7})
        assert [(c.old, c.new, c.changed_by) for c in settings_admin.changes_of(s, stenungsund.id)] == [
            (5, 7, "system"), (2, 5, "system")]
