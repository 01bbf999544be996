"""Named numbers from the agreement, nested objects, conditional fields, defaults and prefill in the
task form (server side; forms.js only hides and shows what the server already rendered)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from app.services import Services
from app.web.pages import forms
from tests.engine.test_camunda_grant import _deploy_and_start
from tests.stenungsund import steps
from tests.web.conftest import Flow
from tests.web.pages import Browser, open_task, text_of

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PLAN = dict(steps.PLAN, statistics=["individkontakter", {"label": "unika personer", "unit": "personer"}])


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert found, name
    return found.group(0)


def test_named_numbers_are_one_number_per_statistic_the_agreement_names(
        services: Services, browser: Browser, people: Any) -> None:
    case_id = steps.to_decision(services, plan=PLAN)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    [task] = steps.open_tasks(services, case_id)
    browser.login("org_a")
    html = browser.get(f"/tasks/{task.id}")
    assert '<fieldset id="f-statistics_values" class="group">' in html
    first = _input(html, "statistics_values[individkontakter]")
    assert 'type="number"' in first and 'id="f-statistics_values-0"' in first
    assert '<label for="f-statistics_values-1">unika personer (personer)' in html
    assert 'type="file"' in html and html.count('type="file"') == 2  # the statements stay file pickers
    assert "besökare" not in html

    files = {"income_statement": (io.BytesIO(PDF), "resultat.pdf"), "balance_sheet": (io.BytesIO(PDF), "balans.pdf")}
    bad = browser.post(f"/tasks/{task.id}", {"activity_description": "Ett år.",
                                             "statistics_values[individkontakter]": "340",
                                             "statistics_values[unika personer]": ""}, files=files)
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert '<a href="#f-statistics_values-1">unika personer: Fyll i ett värde för ”unika personer”.</a>' in page
    assert 'value="340"' in _input(page, "statistics_values[individkontakter]")
    assert "resultat.pdf" in page  # the uploads are kept
    keep = re.findall(r'name="(income_statement|balance_sheet)__keep" value="(\d+)"', page)
    data = {"activity_description": "Ett år.", "statistics_values[individkontakter]": "340",
            "statistics_values[unika personer]": "85"}
    resp = browser.client.post(f"/tasks/{task.id}", data={
        **data, "csrf_token": browser.token(f"/tasks/{task.id}"),
        **{f"{name}__keep": value for name, value in keep}})
    assert resp.status_code == 302, text_of(resp.get_data(as_text=True))[:800]
    assert "report" not in steps.names(services, case_id)


def test_nested_objects_render_as_a_fieldset_of_their_fields() -> None:
    schema = {"type": "object", "properties": {"contact": {
        "type": "object", "title": "Kontakt", "required": ["email"],
        "properties": {"name": {"type": "string", "title": "Namn", "default": "Kim"},
                       "email": {"type": "string", "format": "email", "title": "E-post"}}}}}
    [group] = forms.build_fields(schema, "sv", forms.initial_values(schema, {}),
                                 {"contact[email]": "Skriv en giltig e-postadress."}, {})
    assert group.kind == "object" and group.dom_id == "f-contact"
    name, email = group.children
    assert (name.name, name.value, name.dom_id) == ("contact[name]", "Kim", "f-contact-name")
    assert email.kind == "email" and email.required and email.error
    assert group.first_input_id == "f-contact-name"
    assert [f.name for f in forms.all_fields([group]) if f.error] == ["contact[email]"]


def test_explain_why_not_boxes_say_when_they_are_needed_and_carry_their_condition(flow: Flow) -> None:
    task = open_task(flow.services, flow.start())
    html = flow.browser.get(f"/tasks/{task.id}")
    boxes = re.findall(r'<div class="field comment" data-when="(\w+)" data-when-value="false">', html)
    assert len(boxes) == 9 and boxes[0] == "no_market"
    assert html.count("(måste fyllas i om du svarar Nej)") == 9
    assert "forms.js" in html  # the script that hides them until the answer is Nej


def test_conditions_from_if_then_and_dependent_required() -> None:
    schema = json.loads(Path("processes/forms/agreement_renewal_decision.json").read_text(encoding="utf-8"))
    fields = {f.name: f for f in forms.all_fields(forms.build_fields(schema, "sv", {}, {}, {}))}
    support = fields["renewal_yearly_support_sek"]
    assert support.when is not None and (support.when.controller, support.when.value) == ("board_renews", "true")
    assert support.when.text == "måste fyllas i om du svarar Ja"
    assert fields["renewal_feedback"].when is None
    legal = json.loads(Path("processes/forms/falun_legal_assessment.json").read_text(encoding="utf-8"))
    alternative = {f.name: f for f in forms.build_fields(legal, "en", {}, {}, {})}["alternative_form"]
    assert alternative.when is not None and alternative.when.text == "required if you answer No"
    schema = {"type": "object", "dependentRequired": {"phone": ["contact"]},
              "properties": {"phone": {"type": "string", "title": "Telefon"},
                             "contact": {"type": "string", "title": "Kontaktperson"}}}
    contact = {f.name: f for f in forms.build_fields(schema, "sv", {}, {}, {})}["contact"]
    assert contact.when is not None and contact.when.value is None  # any answer
    assert contact.when.text == "måste fyllas i om du fyller i ”Telefon”"


def test_schema_defaults_are_filled_in_a_fresh_form(services: Services, people: Any, browser: Browser) -> None:
    case_id = _deploy_and_start(services)
    task = open_task(services, case_id)
    browser.login("org_a")
    html = browser.get(f"/tasks/{task.id}")
    assert 'value="1"' in _input(html, "period_years")  # camunda defaultValue="1"


def test_the_board_decision_starts_with_its_default_interval(
        services: Services, browser: Browser, people: Any) -> None:
    from app.domain.accounts import add_user
    from tests.conftest import PASSWORD, PASSWORD_HASH
    services.clock.set(steps.midnight("2025-10-01"))  # type: ignore[attr-defined]
    case_id = steps.start(services)
    for name, data in [("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE), ("economic_plan", steps.PLAN),
                       ("documents", steps.DOCS), ("documents_check", steps.ALL_RECEIVED),
                       ("suitability", steps.SUITABLE)]:
        steps.complete(services, case_id, name, data)
    [task] = steps.open_tasks(services, case_id)
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    browser.login("st_board")
    html = browser.get(f"/tasks/{task.id}")
    assert re.search(r'<input type="radio" id="f-payment_interval-0" name="payment_interval" value="yearly" checked',
                     html) or re.search(r'<option value="yearly" selected>', html)


def test_a_logged_in_organisation_finds_its_name_and_number_filled_in(
        services: Services, browser: Browser, people: Any) -> None:
    browser.login("org_a")
    resp = browser.post("/portal/new", {"municipality": "stenungsund"})
    assert resp.status_code == 302
    html = browser.get(resp.headers["Location"])
    assert 'value="Föreningen Gemenskap"' in _input(html, "organisation_name")
    assert 'value="802400-0005"' in _input(html, "org_number")
    # what the person changes wins over the prefill when the page comes back
    task_url = resp.headers["Location"]
    bad = browser.post(task_url, {"organisation_name": "Gemenskapen", "org_number": ""})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'value="Gemenskapen"' in _input(page, "organisation_name")
    assert 'value=""' in _input(page, "org_number")


def test_prefill_values_come_from_the_user_and_the_organisation(services: Services, people: Any) -> None:
    schema = {"type": "object", "properties": {
        "org": {"type": "string", "x-prefill": "organisation.name"},
        "nr": {"type": "string", "x-prefill": "organisation.org_number"},
        "mail": {"type": "string", "x-prefill": "user.email", "default": "x@example.org"},
        "kind": {"type": "string", "default": "a"}}}
    from app.models import User
    with services.unit_of_work() as s:
        known = forms.known_values(s.get(User, people["org_a"].id), None)  # type: ignore[arg-type]
    assert forms.initial_values(schema, known) == {"org": "Föreningen Gemenskap", "nr": "802400-0005",
                                                   "mail": "org_a@example.org", "kind": "a"}
    assert forms.initial_values(schema, {})["mail"] == "x@example.org"  # nothing known: the default


def test_every_missing_field_is_named_not_only_the_first(
        services: Services, browser: Browser, people: Any) -> None:
    services.clock.set(steps.midnight("2025-10-01"))  # type: ignore[attr-defined]
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    steps.complete(services, case_id, "dialogue", steps.DIALOGUE)
    [task] = steps.open_tasks(services, case_id)
    browser.login("other_officer")
    resp = browser.post(f"/tasks/{task.id}", {"yearly_support_sek": "400000", "parties[0][name]": "A"})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    for anchor in ("f-period_start", "f-period_years", "f-own_funds_sek", "f-volunteer_hours_per_year",
                   "f-volunteer_hour_value_sek", "f-statistics-0-label", "f-repayment_rule-0",
                   "f-parties-0-org_number"):
        assert f'<a href="#{anchor}">' in summary, anchor
