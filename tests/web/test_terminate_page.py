"""/cases/<id>/agreement/terminate: the officer ends a running agreement early from the agreement page, sees the
repayment claim before confirming, and the parties see the ended agreement and the claim (issue 10)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.domain.agreements import termination
from app.models import Case
from app.models.agreement import Agreement
from app.services import Services
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of

CLAIM = round(400000 * 183 / 365)  # 2026-07-02 .. 2026-12-31 of the paid first year (pro rata)


def _running(services: Services) -> int:
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.add_staff(services, "officer", "finance", "board")
    return case_id


def test_officer_previews_confirms_and_the_parties_see_the_claim(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    steps.advance(services, "2026-06-15")
    url = f"/cases/{case_id}/agreement/terminate"
    browser.login("st_officer")
    assert f'href="{url}"' in browser.get(f"/cases/{case_id}/agreement")
    form = browser.get(url)
    assert 'name="csrf_token"' in form and "2026-01-01" in text_of(form) and "2030-12-31" in text_of(form)
    assert "First day without activity" in text_of(browser.get(url + "?lang=en"))

    preview = browser.post(url, {"reason": "Föreningen upphör.", "date": "2026-07-02", "step": "preview"})
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    text = text_of(html)
    assert "Inget är sparat än" in text
    assert f'id="claim-amount">{CLAIM // 1000}\xa0{CLAIM % 1000:03d}\xa0kr' in html
    assert "1 600 000 kr".replace(" ", "\xa0") in html  # the four planned payments that will not be made
    assert steps.agreement(services, case_id).status == "running"  # the preview saved nothing

    back = browser.post(url, {"reason": "Föreningen upphör.", "date": "2026-07-02", "step": "edit"})
    assert "Föreningen upphör." in back.get_data(as_text=True) and 'value="2026-07-02"' in back.get_data(as_text=True)

    done = browser.post(url, {"reason": "Föreningen upphör.", "date": "2026-07-02", "step": "confirm"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{case_id}/agreement")
    agreement = steps.agreement(services, case_id)
    assert agreement.status == "terminated" and agreement.claim is not None
    assert agreement.claim.amount_sek == CLAIM and agreement.claim.reason == "Föreningen upphör."
    page = text_of(browser.get(f"/cases/{case_id}/agreement"))
    assert "Överenskommelsen är avslutad i förtid" in page  # the flash
    assert "Avslutad i förtid" in page and "Avsluta överenskommelsen i förtid" not in page

    browser.login("org_a")  # the organisation sees the ended agreement and the claim
    page = text_of(browser.get(f"/cases/{case_id}/agreement"))
    assert "Återbetalning" in page and "Föreningen upphör." in page
    assert f"{CLAIM // 1000} {CLAIM % 1000:03d} kr" in page and "Inte reglerad" in page

    browser.login("st_officer")  # a second attempt: the agreement no longer runs
    assert browser.client.get(url).status_code == 409


def _preview(services: Services, case_id: int, day: str) -> termination.ClaimPreview:
    with services.unit_of_work() as s:
        row = s.scalar(select(Agreement).where(Agreement.case_id == case_id))
        assert row is not None
        shown = termination.preview(row, date.fromisoformat(day))
        assert row.status == "running"
        return shown


def test_preview_is_the_claim_the_diagram_computes(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    assert _preview(services, case_id, "2026-01-01").amount_sek == 400000  # nothing used: all back
    assert _preview(services, case_id, "2026-12-31").amount_sek == round(400000 / 365)
    assert _preview(services, case_id, "2030-12-31").amount_sek == 0  # year 1 fully used; nothing else paid
    expected = _preview(services, case_id, "2026-03-31")
    assert expected.cancelled_sek == 1600000 and expected.paid_sek == 400000
    steps.terminate(services, case_id, "2026-03-31", "Slut")
    claim = steps.agreement(services, case_id).claim
    assert claim is not None and claim.amount_sek == expected.amount_sek == round(400000 * 276 / 365)
    assert [(line["due"], line["amount_sek"]) for line in claim.lines] == \
        [(d.isoformat(), a) for d, a in expected.lines]


def test_bad_input_is_named_and_kept(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    url = f"/cases/{case_id}/agreement/terminate"
    browser.login("st_officer")
    resp = browser.post(url, {"reason": "  ", "date": "1 juli", "step": "preview"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "Skriv varför överenskommelsen avslutas i förtid." in text
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in text and 'value="1 juli"' in html and 'aria-invalid="true"' in html
    resp = browser.post(url, {"reason": "Slut <b>nu</b>", "date": "2031-01-01", "step": "confirm"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "efter avtalsperiodens slut 2030-12-31" in text_of(html) and "Slut &lt;b&gt;nu&lt;/b&gt;" in html
    assert browser.post(url, {"reason": "x", "date": "2025-06-30", "step": "preview"}).status_code == 422
    assert steps.agreement(services, case_id).status == "running"
    # without the CSRF token the form is refused
    assert browser.client.post(url, data={"reason": "x", "date": "2026-07-01", "step": "confirm"}).status_code == 400
    assert steps.agreement(services, case_id).status == "running"


def test_only_the_officer_of_the_municipality(services: Services, browser: Browser) -> None:
    case_id = _running(services)
    url = f"/cases/{case_id}/agreement/terminate"
    for name in ("org_a", "st_finance", "st_board", "admin"):  # see the case, may not end the agreement
        browser.login(name)
        assert browser.client.get(url).status_code == 403, name
        assert browser.post(url, {"reason": "x", "date": "2026-07-01", "step": "confirm"},
                            page="/login").status_code == 403, name
    for name in ("officer", "org_b"):  # another municipality's officer, another organisation
        browser.login(name)
        assert browser.client.get(url).status_code == 404, name
    browser.login("st_officer")
    assert browser.client.get("/cases/999999/agreement/terminate").status_code == 404
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "running"
    assert steps.agreement(services, case_id).status == "running"
