"""Chromium: the officer downloads the agreement as DOCX from the agreement page (read back with python-docx),
and Stenungsund's process owner edits the agreement template: a wrong field is refused with its line and the
text kept, the corrected text deploys a new version that the next document uses. Screenshots
/tmp/shots/agreementdoc-*.png, axe-core WCAG 2.1 AA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx import Document

from app.domain.accounts import add_user
from app.services import Services
from tests.browser.axe import blocking, describe, run_axe
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"agreementdoc-{name}.png"), full_page=True)
    found = blocking(run_axe(page))
    assert not found, describe(found)


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def _download_docx(page: Any, case_id: int, tmp_path: Path) -> Any:
    page.goto(f"/cases/{case_id}/agreement")
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner överenskommelsen som Word-fil (DOCX)").click()
    download = info.value
    assert download.suggested_filename.startswith("Overenskommelse-KS-")
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    return Document(str(target))


def test_officer_downloads_and_process_owner_edits_the_template(services: Services, page: Any, axe: Any,
                                                               tmp_path: Path) -> None:
    case_id = steps.to_decision(services)
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
        add_user(s, services.clock, "stig", PASSWORD, "process_owner", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)

    _login(page, "st_officer")
    page.goto(f"/cases/{case_id}/agreement")
    assert page.get_by_role("link", name="Ladda ner överenskommelsen som PDF/A för arkivet").is_visible()
    _shot(page, "agreement-page")
    document = _download_docx(page, case_id, tmp_path)
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert len(headings) == 12 and headings[5] == "6. Samverkansformer"

    _login(page, "stig")
    page.goto("/processes/")
    page.get_by_role("link", name="Avtalsmallar: överenskommelsens text per kommun").click()
    page.get_by_role("link", name="Stenungsunds kommun").click()
    _shot(page, "template-editor")
    box = page.get_by_label("Mallens text")
    text = box.input_value()
    box.fill(text.replace("## 6. Samverkansformer", "## 6. Samverkansformer och kontakt {{ kontaktperson }}"))
    page.get_by_role("button", name="Driftsätt ny version").click()
    summary = page.get_by_role("alert")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("## 6."))
    assert f"Rad {line}: fältet kontaktperson finns inte" in summary.inner_text()
    assert "{{ kontaktperson }}" in page.get_by_label("Mallens text").input_value()  # the text is kept
    _shot(page, "template-refused")
    page.get_by_label("Mallens text").fill(text.replace("## 6. Samverkansformer", "## 6. Samverkansformer och kontakt"))
    page.get_by_role("button", name="Driftsätt ny version").click()
    assert "är driftsatt" in page.locator(".flashes").inner_text()
    _shot(page, "template-deployed")

    _login(page, "st_officer")
    document = _download_docx(page, case_id, tmp_path)
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings[5] == "6. Samverkansformer och kontakt"
