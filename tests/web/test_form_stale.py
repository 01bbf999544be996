"""A stale task page: sending a task someone else completed meanwhile gives the 409 message in the page."""

from __future__ import annotations

from tests import falun_steps as steps
from tests.web.conftest import Flow
from tests.web.pages import as_form, open_task, text_of


def test_sending_a_task_already_completed_shows_409_with_a_reload_link_and_what_was_typed(flow: Flow) -> None:
    task = open_task(flow.services, flow.start())
    data = as_form(steps.CHECKLIST)
    page = f"/tasks/{task.id}"
    token_page = flow.browser.get(page)
    assert 'name="csrf_token"' in token_page
    assert flow.browser.post(page, data).status_code == 302
    again = flow.browser.post(page, dict(data, no_market_comment="Skrivet på en gammal sida"), page="/portal")
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    text = text_of(html)
    assert "Uppgiften är redan klar" in text
    assert "Någon annan har hunnit före: den här uppgiften skickades in" in text
    assert f'href="/tasks/{task.id}">Ladda om sidan</a>' in html
    assert "Skrivet på en gammal sida" in text
