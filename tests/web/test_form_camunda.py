"""The task page renders a Camunda `formData` form (enum, long, date, boolean) and takes its answers."""

from __future__ import annotations

from typing import Any

from app.services import Services
from tests.engine.test_camunda_grant import APPLICATION, _deploy_and_start
from tests.web.pages import Browser, as_form, open_task


def test_a_camunda_form_data_task_is_filled_through_the_page(services: Services, people: Any,
                                                              browser: Browser) -> None:
    case_id = _deploy_and_start(services)
    task = open_task(services, case_id)
    browser.login("org_a")
    html = browser.get(f"/tasks/{task.id}")
    assert 'type="radio"' in html and 'name="category"' in html  # enum
    assert '<input id="f-amount" name="amount" type="number"' in html  # long
    assert '<input id="f-start_date" name="start_date" type="date"' in html  # date
    bad = browser.post(f"/tasks/{task.id}", as_form(dict(APPLICATION, amount="fyrtio")))
    assert bad.status_code == 422 and "Skriv ett heltal." in bad.get_data(as_text=True)
    assert 'value="Läxhjälp i Bäckebol"' in bad.get_data(as_text=True)
    done = browser.post(f"/tasks/{task.id}", as_form(APPLICATION))
    assert done.status_code == 302
    assert open_task(services, case_id).name == "review"
