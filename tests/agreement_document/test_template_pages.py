"""The agreement templates in the admin pages: the process owner edits and deploys a new version; a refused
text comes back as written with the problem's line; others may look, not change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.domain.accounts import add_user
from app.domain.agreement_document import templates
from app.models import Municipality
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.web.pages import Browser, text_of

URL = "/processes/agreement-templates/stenungsund"


def _owner(services: Services) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "stig", PASSWORD, "process_owner", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)


def _latest(services: Services) -> tuple[int, str]:
    with services.unit_of_work() as s:
        muni = s.scalar(select(Municipality).where(Municipality.slug == "stenungsund"))
        assert muni is not None
        row = templates.latest(s, muni.id)
        return row.version, row.text


def test_the_process_owner_deploys_a_new_version(services: Services, browser: Browser) -> None:
    _owner(services)
    browser.login("stig")
    listing = text_of(browser.get("/processes/agreement-templates/"))
    assert "Stenungsunds kommun" in listing and "Gävle kommun" in listing
    page = browser.get(URL)
    assert 'name="csrf_token"' in page and "{{ registration_number }}" in page
    version, text = _latest(services)
    changed = text.replace("## 6. Samverkansformer", "## 6. Samverkansformer och kontakt")
    resp = browser.post(URL, {"text": changed})
    assert resp.status_code == 303
    assert _latest(services) == (version + 1, changed)
    shown = text_of(browser.get(URL))
    assert f"Version {version + 1} av avtalsmallen för Stenungsunds kommun är driftsatt" in shown
    assert "Ändrad i webbläsaren" in shown
    same = browser.post(URL, {"text": changed})
    assert same.status_code == 303 and _latest(services)[0] == version + 1  # the same text: no new version


def test_a_refused_text_is_kept_and_names_the_line(services: Services, browser: Browser) -> None:
    _owner(services)
    browser.login("stig")
    version, text = _latest(services)
    broken = text.replace("{{ period_end }}", "{{ periodens_slut }}", 1)
    line = next(i for i, row in enumerate(broken.splitlines(), start=1) if "periodens_slut" in row)
    resp = browser.post(URL, {"text": broken})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert f"Rad {line}: fältet periodens_slut finns inte" in text_of(page)
    assert "{{ periodens_slut }}" in page  # the half-done text is kept in the textarea
    assert 'aria-invalid="true"' in page
    assert _latest(services)[0] == version
    syntax = browser.post(URL, {"text": "# T\n## 1. A\nText {{ registration_number\n"})
    assert syntax.status_code == 422 and "Rad 3: en klammerparentes saknar sin motsvarighet" in \
        text_of(syntax.get_data(as_text=True))


def test_who_may_see_and_change_templates(services: Services, browser: Browser, people: Any) -> None:
    browser.login("owner")  # Falun's process owner: may look at Stenungsund's template, not change it
    page = browser.get(URL)
    assert "Bara processägare i Stenungsunds kommun kan ändra mallen" in text_of(page)
    assert "<textarea" not in page
    version, text = _latest(services)
    token = browser.token("/processes/agreement-templates/falun")
    refused = browser.client.post(URL, data={"csrf_token": token, "text": text + "\nMer\n"})
    assert refused.status_code == 403 and _latest(services)[0] == version
    browser.login("officer")
    browser.get(URL, status=403)
    browser.get("/processes/agreement-templates/nowhere", status=403)
    browser.login("owner")
    browser.get("/processes/agreement-templates/nowhere", status=404)
    no_token = browser.client.post("/processes/agreement-templates/falun", data={"text": "## 1. A\n"})
    assert no_token.status_code == 400
