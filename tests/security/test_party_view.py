"""What Kungsbacka's organisation reads of its running agreement before the case closes: the finance department's
payment voucher (a staff form) is not shown, the statistics it sent are masked ("Sekretess"), and an
organisation that is not party to the case reads nothing of it."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from app.services import Services
from tests.api.helpers import driver
from tests.kungsbacka import steps
from tests.kungsbacka.test_agreement import _decided
from tests.web.pages import Browser, text_of


def test_the_party_reads_no_staff_field_and_no_secret_while_the_case_runs(services: Services, api: Any,
                                                                         client: FlaskClient, kb_people: Any) -> None:
    case_id = _decided(services)
    steps.advance(services, "2027-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT, "kb_finance")
    steps.advance(services, "2027-11-01")
    steps.complete(services, case_id, "report", steps.REPORT, "org_a")
    url = f"/api/v1/cases/{case_id}"
    party = driver(api("org_a")).expect(200, "GET", url)
    assert party["status"] == "running"
    shown = json.dumps(party, ensure_ascii=False)
    assert steps.PAYMENT["payment_reference"] not in shown  # the voucher is the finance department's
    assert '"deltagare i arbete": 17' not in shown and "Sekretess" in shown  # sent, then secret
    staff = json.dumps(driver(api("kb_officer")).expect(200, "GET", url), ensure_ascii=False)
    assert steps.PAYMENT["payment_reference"] in staff and '"deltagare i arbete": 17' in staff
    for outsider in ("org_b", "ga_officer", "officer", "other_officer"):
        code, _ = driver(api(outsider)).call("GET", url, None)
        assert code in (403, 404), outsider
    browser = Browser(client)
    browser.login("org_a")
    page = text_of(browser.get(f"/cases/{case_id}"))
    assert "Föreningen Gemenskap" in page and steps.PAYMENT["payment_reference"] not in page
    assert "Sekretess" in page
