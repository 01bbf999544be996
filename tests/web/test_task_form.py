"""The task form: rendering from the schema, server-side errors that keep what was typed, uploads."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.models import Attachment, CaseEvent
from tests import falun_steps as steps
from tests.web.conftest import Flow
from tests.web.pages import as_form, open_task, text_of

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _checked(html: str, name: str) -> str | None:
    for tag in re.findall(rf'<input type="radio"[^>]*name="{name}"[^>]*>', html):
        if " checked" in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
    return None


def test_checklist_renders_radio_groups_with_comment_fields_under_their_criterion(flow: Flow) -> None:
    task = open_task(flow.services, flow.start())
    html = flow.browser.get(f"/tasks/{task.id}")
    assert '<html lang="sv">' in html
    assert "<title>Fyll i checklistan – IOP-portalen</title>" in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    legend = html.index("Det finns ingen marknad eller konkurrenssituation att värna.")
    comment = html.index('<textarea id="f-no_market_comment"')
    next_legend = html.index("Verksamheten sker på den idéburna organisationens initiativ.")
    assert legend < comment < next_legend
    assert '<fieldset id="f-no_market">' in html
    assert '<label for="f-no_market-0">Ja</label>' in html and '<label for="f-no_market-1">Nej</label>' in html
    assert "måste fyllas i om du svarar Nej" in html


def test_a_no_without_comment_names_the_field_and_keeps_every_other_answer(flow: Flow) -> None:
    task = open_task(flow.services, flow.start())
    data = as_form(dict(steps.CHECKLIST, no_market=False, long_term=False,
                        long_term_comment="Vi vet inte än hur länge."))
    resp = flow.browser.post(f"/tasks/{task.id}", data)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "<title>Fel: Fyll i checklistan – IOP-portalen</title>" in html
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index('class="error-summary"'))]
    assert ('<a href="#f-no_market_comment">Förklara varför inte (Det finns ingen marknad eller '
            'konkurrenssituation att värna.): Fyll i det här fältet.</a>') in summary
    assert '<p class="error-message" id="f-no_market_comment-error">' in html
    field = re.search(r'<textarea id="f-no_market_comment"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in field and 'aria-describedby="f-no_market_comment-error"' in field
    # everything typed is still there
    assert _checked(html, "no_market") == "false" and _checked(html, "long_term") == "false"
    for name in ("own_initiative", "not_ordered", "not_grant", "shared_values", "solve_together",
                 "both_finance", "follow_up"):
        assert _checked(html, name) == "true", name
    assert ">Vi vet inte än hur länge.</textarea>" in html
    assert open_task(flow.services, flow.case_id).id == task.id
    # corrected, it goes through
    data["no_market_comment"] = "Det finns andra aktörer."
    assert flow.browser.post(f"/tasks/{task.id}", data).status_code == 302
    assert open_task(flow.services, flow.case_id).name == "initiative"


def test_a_wrong_email_keeps_the_other_typed_fields(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    task = open_task(flow.services, flow.case_id)
    page = flow.browser.get(f"/tasks/{task.id}")
    assert 'type="email"' in page
    assert "Det finns ingen marknad eller konkurrenssituation att värna. Ja" in text_of(page)  # x-show
    data = as_form(dict(steps.INITIATIVE, contact_email="anna(at)example", contact_phone="070-123 45 67"))
    resp = flow.browser.post(f"/tasks/{task.id}", data)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Skriv en giltig e-postadress" in html
    assert 'value="anna(at)example"' in html
    for value in ("Språkcafé", "Nyanlända", "Anna Ek", "070-123 45 67"):
        assert f'value="{value}"' in html
    assert ">Volontärer håller språkcafé.</textarea>" in html
    assert 'aria-describedby="f-contact_email-error"' in html


def test_empty_strings_count_as_missing_and_numbers_are_checked(flow: Flow) -> None:
    flow.start()
    for name, who, data in steps.HAPPY_PATH[:4]:
        flow.step(who, name, data)
    flow.browser.login("officer")
    task = open_task(flow.services, flow.case_id)
    html = flow.browser.get(f"/tasks/{task.id}")
    assert '<input id="f-period_start" name="period_start" type="date"' in html
    assert '<input id="f-municipal_contribution_sek" name="municipal_contribution_sek" type="number"' in html
    bad = as_form(dict(steps.DRAFT, agreement_purpose="   ", municipal_contribution_sek="många"))
    resp = flow.browser.post(f"/tasks/{task.id}", bad)
    assert resp.status_code == 422
    page = text_of(resp.get_data(as_text=True))
    assert "Syfte, mål och målgrupp: Fyll i det här fältet." in page
    assert "Kommunens bidrag per år (kr): Skriv ett heltal." in page
    assert "2029-12-31" in resp.get_data(as_text=True)


def test_legal_assessment_offers_the_alternatives_by_title(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    flow.step("org_a", "initiative", steps.INITIATIVE)
    flow.browser.login("lawyer")
    html = flow.browser.get(f"/tasks/{open_task(flow.services, flow.case_id).id}")
    assert 'value="procurement"' in html and ">Upphandling</label>" in html
    text = text_of(html)
    assert "Initiativ till IOP" in text and "Verksamhetens namn Språkcafé" in text  # earlier answers
    assert "Kontaktpersonens e-post anna@example.org" in text


def test_a_disguised_file_is_refused_with_its_name_and_nothing_else_is_lost(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    task = open_task(flow.services, flow.case_id)
    resp = flow.browser.post(f"/tasks/{task.id}", as_form(steps.INITIATIVE),
                             files={"attachments": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "stadgar.pdf")})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Filen togs inte emot: stadgar.pdf är inte en riktig .pdf-fil." in text_of(html)
    assert 'aria-describedby="f-attachments-hint f-attachments-error"' in html
    assert 'value="Språkcafé"' in html
    with flow.services.unit_of_work() as s:
        assert list(s.scalars(select(Attachment))) == []
    assert open_task(flow.services, flow.case_id).name == "initiative"


def test_a_real_pdf_is_kept_across_a_failed_attempt_and_downloadable_by_those_who_may_see_it(flow: Flow) -> None:
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    task = open_task(flow.services, flow.case_id)
    first = flow.browser.post(f"/tasks/{task.id}", as_form(dict(steps.INITIATIVE, contact_email="fel")),
                              files={"attachments": (io.BytesIO(PDF), "checklista.pdf")})
    assert first.status_code == 422
    html = first.get_data(as_text=True)
    with flow.services.unit_of_work() as s:
        [row] = list(s.scalars(select(Attachment)))
    assert f'<input type="hidden" name="attachments__keep" value="{row.id}">' in html
    assert "checklista.pdf" in text_of(html)
    # the second attempt sends only the kept reference, as the re-rendered page does
    done = flow.browser.post(f"/tasks/{task.id}", {**as_form(steps.INITIATIVE), "attachments__keep": str(row.id)})
    assert done.status_code == 302
    with flow.services.unit_of_work() as s:
        event = s.scalars(select(CaseEvent).where(CaseEvent.task_name == "initiative",
                                                  CaseEvent.kind == "task_completed")).one()
    assert event.data["values"]["attachments"] == [{"id": row.id, "filename": "checklista.pdf", "size": len(PDF)}]
    url = f"/cases/{flow.case_id}/files/{row.id}"
    assert url in flow.browser.get(f"/cases/{flow.case_id}")
    got = flow.browser.client.get(url)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;") and "checklista.pdf" in \
        got.headers["Content-Disposition"]
    flow.browser.login("lawyer")
    assert flow.browser.client.get(url).status_code == 200
    flow.browser.login("org_b")
    assert flow.browser.client.get(url).status_code == 404
    flow.browser.login("other_officer")
    assert flow.browser.client.get(url).status_code == 404


def test_a_kept_reference_to_another_case_file_is_ignored(flow: Flow) -> None:
    first_case = flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    task = open_task(flow.services, first_case)
    flow.browser.post(f"/tasks/{task.id}", as_form(dict(steps.INITIATIVE, contact_email="x")),
                      files={"attachments": (io.BytesIO(PDF), "a.pdf")})
    with flow.services.unit_of_work() as s:
        [row] = list(s.scalars(select(Attachment)))
    flow.browser.login("org_b")
    flow.browser.post("/portal/new", {"municipality": "falun"})
    other = flow.browser.client.get("/portal/").get_data(as_text=True)
    other_task = re.search(r'href="/tasks/([0-9a-f-]+)"', other).group(1)  # type: ignore[union-attr]
    flow.browser.post(f"/tasks/{other_task}", as_form(steps.CHECKLIST))
    nxt = re.search(r'href="/tasks/([0-9a-f-]+)"', flow.browser.client.get("/portal/").get_data(as_text=True))
    resp = flow.browser.post(f"/tasks/{nxt.group(1)}",  # type: ignore[union-attr]
                             {**as_form(steps.INITIATIVE), "attachments__keep": str(row.id)})
    assert resp.status_code == 302
    with flow.services.unit_of_work() as s:
        event = s.scalars(select(CaseEvent).where(CaseEvent.case_id != first_case,
                                                  CaseEvent.task_name == "initiative")).one()
    assert "attachments" not in event.data["values"]
