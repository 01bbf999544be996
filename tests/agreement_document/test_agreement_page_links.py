"""The agreement page links to the document in both formats for those who see the case."""

from __future__ import annotations

from typing import Any

from app.domain.accounts import add_user
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of


def test_the_officer_downloads_both_formats_from_the_agreement_page(services: Services, browser: Browser,
                                                                     people: Any) -> None:
    case_id = steps.to_decision(services)
    browser.login("other_officer")  # Stenungsund's officer
    page = browser.get(f"/cases/{case_id}/agreement")
    assert "Ladda ner överenskommelsen som Word-fil (DOCX)" in text_of(page)
    for fmt, media in (("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                       ("pdf", "application/pdf")):
        link = f"/cases/{case_id}/agreement/document.{fmt}"
        assert f'href="{link}"' in page
        got = browser.client.get(link)
        assert got.status_code == 200 and got.mimetype == media
        assert got.headers["Content-Disposition"].startswith("attachment; filename=Overenskommelse-KS-")
    assert browser.client.get(f"/cases/{case_id}/agreement/document.odt").status_code == 404
    browser.login("officer")  # Falun's officer
    assert browser.client.get(f"/cases/{case_id}/agreement/document.pdf").status_code == 404


def test_no_links_before_the_agreement(services: Services, browser: Browser, people: Any) -> None:
    case_id = steps.start(services)
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    browser.login("st_officer")
    assert browser.client.get(f"/cases/{case_id}/agreement/document.pdf").status_code == 404
