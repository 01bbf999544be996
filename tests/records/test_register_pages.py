"""The document register on the case page (staff and the case's organisation) and the portal's link to it."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient

from app.models import User
from app.services import Services
from tests.records.test_document_register import PDF, _falun_case
from tests.web.pages import Browser, text_of


def test_the_case_page_lists_the_register_for_staff_and_the_organisation(
        services: Services, people: dict[str, User], client: FlaskClient, api: Any) -> None:
    case_id = _falun_case(services, steps=4)
    assert api("org_a").post(f"/api/v1/cases/{case_id}/attachments", data={"file": (io.BytesIO(PDF), "stadgar.pdf")},
                             content_type="multipart/form-data").status_code == 201
    reg = api("officer").get(f"/api/v1/cases/{case_id}").get_json()["registration_number"]
    browser = Browser(client)
    browser.login("officer")
    html = browser.get(f"/cases/{case_id}")
    text = text_of(html)
    assert "Diarium: handlingar i ärendet" in text
    assert f"{reg}-1" in text
    assert "Inkommen" in text and "Upprättad" in text and "Utgående" in text
    assert "Beslut: Besluta om IOP ska upprättas" in text
    assert "Fil: stadgar.pdf" in text
    link = f'/cases/{case_id}/files/'
    assert link in html
    browser.logout()
    browser.login("org_a")
    portal = browser.get("/portal/")
    assert f'href="/cases/{case_id}#register"' in portal
    own = text_of(browser.get(f"/cases/{case_id}"))
    assert "Diarium: handlingar i ärendet" in own and "Fil: stadgar.pdf" in own
    browser.logout()
    browser.login("org_b")
    browser.get(f"/cases/{case_id}", status=404)
