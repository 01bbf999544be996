"""Drafts on the task page: "Spara utkast" keeps what was typed for this user and task, without completing it."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from app.domain.accounts import add_user
from app.domain.start_data import MAX_TEXT
from app.models import OpenTask
from app.models.draft import TaskDraft
from tests import falun_steps as steps
from tests.conftest import ORG_A, PASSWORD, PASSWORD_HASH
from tests.web.conftest import Flow
from tests.web.pages import as_form, open_task, text_of

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PARTIAL = {"activity_title": "Läxhjälp på biblioteket", "description": "Rad ett.\nRad två med <b>tecken</b> & så."}


def _initiative(flow: Flow) -> OpenTask:
    """A Falun case at the organisation's initiative form (a form with text fields and files)."""
    flow.start()
    flow.step("org_a", "checklist", steps.CHECKLIST)
    task = open_task(flow.services, flow.case_id)
    assert task.name == "initiative"
    return task


def _drafts(flow: Flow) -> list[TaskDraft]:
    with flow.services.unit_of_work() as s:
        return list(s.scalars(select(TaskDraft).order_by(TaskDraft.id)))


def _value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if found is None:
        return None
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


def _colleague(flow: Flow) -> None:
    with flow.services.unit_of_work() as s:
        add_user(s, flow.services.clock, "org_a2", PASSWORD, "organisation", organisation=ORG_A,
                 password_hash=PASSWORD_HASH)


def test_a_saved_draft_comes_back_with_the_time_and_the_task_stays_open(flow: Flow) -> None:
    task = _initiative(flow)
    page = f"/tasks/{task.id}"
    html = flow.browser.get(page)
    assert f'formaction="/tasks/{task.id}/draft" formnovalidate>Spara utkast</button>' in html
    assert "Utkast sparat" not in html
    flow.services.clock.advance(minutes=30)  # type: ignore[attr-defined]
    resp = flow.browser.post(f"{page}/draft", PARTIAL, page=page)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{page}#draft-notice")
    html = flow.browser.get(page)
    text = text_of(html)
    assert "Utkastet är sparat. Du kan fortsätta senare." in text
    assert "Utkast sparat 2026-11-23 09:30" in text  # Swedish time (the clock is 08:30 UTC)
    assert "Bara du ser utkastet." in text
    assert _value(html, "activity_title") == "Läxhjälp på biblioteket"
    assert ">Rad ett.\nRad två med &lt;b&gt;tecken&lt;/b&gt; &amp; så.</textarea>" in html
    assert _value(html, "target_group") == ""
    # nothing was completed or demanded: the same task is open, no error summary
    assert open_task(flow.services, flow.case_id).id == task.id
    assert "error-summary" not in html
    [draft] = _drafts(flow)
    assert draft.task_id == task.id and draft.data == PARTIAL
    # saving again replaces the draft (one per task and user); a field emptied is gone from it
    flow.services.clock.advance(hours=2)  # type: ignore[attr-defined]
    resp = flow.browser.post(f"{page}/draft", {"activity_title": "Läxhjälp", "target_group": "Elever"}, page=page)
    assert resp.status_code == 302
    html = flow.browser.get(page)
    assert "Utkast sparat 2026-11-23 11:30" in text_of(html)
    assert _value(html, "activity_title") == "Läxhjälp" and _value(html, "target_group") == "Elever"
    assert '<textarea id="f-description"' in html and "Rad ett." not in html
    assert [d.data for d in _drafts(flow)] == [{"activity_title": "Läxhjälp", "target_group": "Elever"}]


def test_a_half_typed_number_is_kept_as_typed_and_the_english_page_says_draft_saved(flow: Flow) -> None:
    flow.start()
    for name, actor, data in steps.HAPPY_PATH[:4]:
        flow.step(actor, name, data)
    task = open_task(flow.services, flow.case_id)
    assert task.name == "draft_agreement"
    flow.browser.login("officer")
    page = f"/tasks/{task.id}"
    resp = flow.browser.post(f"{page}/draft", {"agreement_purpose": "Minska ensamhet.",
                                               "municipal_contribution_sek": "150 000 kr"}, page=page)
    assert resp.status_code == 302
    html = flow.browser.get(page)
    assert _value(html, "municipal_contribution_sek") == "150 000 kr"
    assert "Utkast sparat 2026-11-23 09:00" in text_of(html)
    english = text_of(flow.browser.get(page + "?lang=en"))
    assert "Draft saved 2026-11-23 09:00" in english and "Only you can see the draft." in english


def test_a_colleague_of_the_same_organisation_does_not_see_the_draft(flow: Flow) -> None:
    _colleague(flow)
    task = _initiative(flow)
    page = f"/tasks/{task.id}"
    assert flow.browser.post(f"{page}/draft", PARTIAL, page=page).status_code == 302
    flow.browser.login("org_a2")
    html = flow.browser.get(page)  # the colleague may work on the task ...
    assert f'action="/tasks/{task.id}"' in html
    assert "Läxhjälp" not in html and "Utkast sparat" not in text_of(html)  # ... but not see the draft
    # the colleague's own draft is separate
    assert flow.browser.post(f"{page}/draft", {"activity_title": "Kollegans titel"}, page=page).status_code == 302
    assert _value(flow.browser.get(page), "activity_title") == "Kollegans titel"
    flow.browser.login("org_a")
    assert _value(flow.browser.get(page), "activity_title") == "Läxhjälp på biblioteket"
    assert len(_drafts(flow)) == 2


def test_completing_removes_every_draft_of_the_task_also_when_someone_else_completes_it(flow: Flow) -> None:
    _colleague(flow)
    task = _initiative(flow)
    page = f"/tasks/{task.id}"
    assert flow.browser.post(f"{page}/draft", PARTIAL, page=page).status_code == 302
    flow.browser.login("org_a2")
    assert flow.browser.post(f"{page}/draft", {"activity_title": "Annan"}, page=page).status_code == 302
    assert len(_drafts(flow)) == 2
    # the colleague completes the task with their own values
    resp = flow.browser.post(page, as_form(steps.INITIATIVE))
    assert resp.status_code == 302
    assert _drafts(flow) == []
    flow.browser.login("org_a")
    stale = flow.browser.client.get(page)
    assert stale.status_code == 409  # the task is done; the draft went with it
    again = flow.browser.post(f"{page}/draft", PARTIAL, page="/portal")
    assert again.status_code == 409 and "Uppgiften är redan klar" in text_of(again.get_data(as_text=True))
    assert _drafts(flow) == []


def test_completing_ones_own_task_removes_ones_draft(flow: Flow) -> None:
    task = _initiative(flow)
    page = f"/tasks/{task.id}"
    assert flow.browser.post(f"{page}/draft", PARTIAL, page=page).status_code == 302
    # a refused submission keeps the draft
    assert flow.browser.post(page, {"activity_title": "Bara titel"}).status_code == 422
    assert len(_drafts(flow)) == 1
    assert flow.browser.post(page, as_form(steps.INITIATIVE)).status_code == 302
    assert _drafts(flow) == []


def test_too_long_text_is_refused_with_a_clear_message_and_what_was_typed_is_kept(flow: Flow) -> None:
    task = _initiative(flow)
    page = f"/tasks/{task.id}"
    long_text = "x" * (MAX_TEXT + 1)
    resp = flow.browser.post(f"{page}/draft", {"activity_title": "Behålls", "description": long_text}, page=page)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "Texten är för lång för ett utkast (högst 20 000 tecken)." in text
    assert "Utkastet sparades inte." in text
    assert _value(html, "activity_title") == "Behålls" and long_text in html
    assert _drafts(flow) == []
    assert open_task(flow.services, flow.case_id).id == task.id


def test_fields_the_form_does_not_have_are_not_stored(flow: Flow) -> None:
    task = _initiative(flow)
    page = f"/tasks/{task.id}"
    resp = flow.browser.post(f"{page}/draft", {**PARTIAL, "approved": "true", "amount_sek": "99999"}, page=page)
    assert resp.status_code == 302
    [draft] = _drafts(flow)
    assert draft.data == PARTIAL


def test_saving_a_draft_needs_the_csrf_token(flow: Flow) -> None:
    task = _initiative(flow)
    resp = flow.browser.client.post(f"/tasks/{task.id}/draft", data=PARTIAL)
    assert resp.status_code == 400
    assert _drafts(flow) == []
    resp = flow.browser.client.post(f"/tasks/{task.id}/draft", data={**PARTIAL, "csrf_token": "forged"})
    assert resp.status_code == 400
    assert _drafts(flow) == []


def test_others_cannot_save_a_draft_of_the_task(flow: Flow) -> None:
    task = _initiative(flow)
    page = f"/tasks/{task.id}"
    for username, status in (("org_b", 404), ("lawyer", 404), ("other_officer", 404), ("admin", 403)):
        flow.browser.login(username)
        resp = flow.browser.post(f"{page}/draft", PARTIAL, page="/")
        assert resp.status_code == status, username
    assert _drafts(flow) == []


def test_uploaded_files_are_kept_in_the_draft_and_the_draft_can_be_deleted(flow: Flow) -> None:
    task = _initiative(flow)
    page = f"/tasks/{task.id}"
    resp = flow.browser.post(f"{page}/draft", PARTIAL, page=page,
                             files={"attachments": (io.BytesIO(PDF), "budget.pdf")})
    assert resp.status_code == 302, text_of(resp.get_data(as_text=True))[:500]
    [draft] = _drafts(flow)
    assert [ref["filename"] for ref in draft.data["attachments"]] == ["budget.pdf"]
    html = flow.browser.get(page)
    assert "budget.pdf" in html
    assert f'name="attachments__keep" value="{draft.data["attachments"][0]["id"]}"' in html
    # "Ta bort utkastet" removes it; the page is empty again
    assert f'action="/tasks/{task.id}/draft/delete"' in html
    resp = flow.browser.post(f"{page}/draft/delete", {}, page=page)
    assert resp.status_code == 302
    html = flow.browser.get(page)
    assert "Utkastet är borttaget." in text_of(html) and "Utkast sparat" not in text_of(html)
    assert _value(html, "activity_title") == ""
    with flow.services.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(TaskDraft)) == 0
