"""GET /api/v1/cases/{id}/agreement-document: who may fetch it, the formats, the refusals."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import delete

from app.domain.accounts import add_user
from app.models.agreement_template import AgreementTemplate
from app.services import Services
from tests.conftest import ORG_A, PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps


def test_staff_and_the_organisation_get_both_formats(services: Services, people: Any, api: Any) -> None:
    case_id = steps.to_decision(services)
    url = f"/api/v1/cases/{case_id}/agreement-document"
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_org", PASSWORD, "organisation", organisation=ORG_A, password_hash=PASSWORD_HASH)
    for username in ("other_officer", "st_org"):  # Stenungsund's officer; the case's own organisation
        docx = api(username).get(f"{url}?format=docx")
        assert docx.status_code == 200, docx.get_json()
        assert docx.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert docx.data[:2] == b"PK"
        assert 'filename=Overenskommelse-KS-' in docx.headers["Content-Disposition"]
        pdf = api(username).get(f"{url}?format=pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
        assert pdf.headers["Cache-Control"] == "private, no-store"
    assert api("other_officer").get(url).mimetype == "application/pdf"  # the default


def test_others_are_refused_and_bad_requests_answered_clearly(services: Services, people: Any, api: Any) -> None:
    case_id = steps.to_decision(services)
    url = f"/api/v1/cases/{case_id}/agreement-document"
    for username in ("officer", "org_b", "admin"):  # Falun's officer, another organisation
        answer = api(username).get(url)
        if username == "admin":  # an administrator of the installation sees every case
            assert answer.status_code == 200
        else:
            assert answer.status_code == 404, username
    assert api("other_officer").get("/api/v1/cases/999999/agreement-document").status_code == 404
    assert api("other_officer").get("/api/v1/cases/x/agreement-document").status_code == 404
    unknown = api("other_officer").get(f"{url}?format=odt")
    assert unknown.status_code == 422 and "unknown format" in unknown.get_json()["error"]["message"]
    assert api("other_officer").client.get(url).status_code == 401  # no token


def test_no_agreement_yet_is_a_conflict(services: Services, people: Any, api: Any) -> None:
    case_id = steps.start(services)  # the interest is not even registered
    answer = api("other_officer").get(f"/api/v1/cases/{case_id}/agreement-document?format=docx")
    assert answer.status_code == 409
    assert "no agreement yet" in answer.get_json()["error"]["message"]


def test_a_municipality_without_a_template_is_a_conflict(services: Services, people: Any, api: Any) -> None:
    case_id = steps.to_decision(services)
    with services.unit_of_work() as s:
        s.execute(delete(AgreementTemplate))
    answer = api("other_officer").get(f"/api/v1/cases/{case_id}/agreement-document?format=pdf")
    assert answer.status_code == 409 and "no agreement template" in answer.get_json()["error"]["message"]


def test_the_first_document_of_an_agreement_version_is_registered_once(
        services: Services, people: Any, api: Any) -> None:
    case_id = steps.to_decision(services)
    url = f"/api/v1/cases/{case_id}/agreement-document"
    officer = api("other_officer")

    def agreements() -> list[dict[str, Any]]:
        listed = officer.get(f"/api/v1/cases/{case_id}/documents").get_json()
        return [d for d in listed["items"] if d["kind"] == "agreement"]

    before = len(agreements())
    first = officer.get(f"{url}?format=pdf")
    officer.get(f"{url}?format=docx")
    officer.get(f"{url}?format=pdf")
    [registered] = agreements()[before:]
    assert registered["description"] == "Överenskommelse, version 1"
    assert registered["direction"] == "internal"
    assert registered["digest"] == hashlib.sha256(first.data).hexdigest()
