"""Lists of rows in the task form: the economic plan's parties (objects) and statistics, rendered as a
fieldset per row, with add and remove buttons that work without JavaScript, posted names parsed back
into typed nested data, and the validator's messages shown at each nested field."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from app.services import Services
from app.web.pages import form_parse, forms
from tests.conftest import ORG_B
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of

PLAN_FORM = {
    "yearly_support_sek": "400 000", "period_start": "2026-01-01", "period_years": "2", "own_funds_sek": "50000",
    "volunteer_hours_per_year": "1200", "volunteer_hour_value_sek": "250", "repayment_rule": "pro_rata",
}


def _to_plan(services: Services, browser: Browser) -> str:
    services.clock.set(steps.midnight("2025-10-01"))  # type: ignore[attr-defined]
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    steps.complete(services, case_id, "dialogue", steps.DIALOGUE)
    [task] = [t for t in steps.open_tasks(services, case_id) if t.name == "economic_plan"]
    browser.login("other_officer")  # Stenungsund's officer
    return f"/tasks/{task.id}"


def _value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else ""


def test_posted_names_become_typed_nested_data() -> None:
    schema = {"type": "object", "properties": {
        "parties": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "share_percent": {"type": "integer"}, "signs": {"type": "boolean"},
            "rate": {"type": "number"}}}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "place": {"type": "object", "properties": {"street": {"type": "string"}, "floor": {"type": "integer"}}},
        "counts": {"type": "object", "x-keys-from": "stats", "additionalProperties": {"type": "integer"}}}}
    form = MultiDict([("parties[0][name]", " A "), ("parties[0][share_percent]", "60"),
                      ("parties[0][signs]", "true"), ("parties[0][rate]", "1,5"),
                      ("parties[1][name]", ""), ("parties[1][share_percent]", ""),  # an empty row: dropped
                      ("parties[2][name]", "C"), ("parties[2][share_percent]", "4 0"),
                      ("tags[0]", "x"), ("tags[1]", " "), ("tags[2]", "y"),
                      ("place[street]", "Storgatan 1"), ("place[floor]", "2"),
                      ("counts[unika besökare]", "157"), ("counts[dygn %5Bi skydd%5D]", "12"),
                      ("csrf_token", "t"), ("stray", "ignored")])
    assert forms.parse_submission(schema, form) == {
        "parties": [{"name": "A", "share_percent": 60, "signs": True, "rate": 1.5},
                    {"name": "C", "share_percent": 40}],
        "tags": ["x", "y"], "place": {"street": "Storgatan 1", "floor": 2},
        "counts": {"unika besökare": 157, "dygn [i skydd]": 12}}
    # the rows shown again are numbered like the data, so messages keyed parties[1][...] land on "C"
    raw = forms.raw_values(schema, form)
    assert raw["parties[1][name]"] == "C" and "parties[2][name]" not in raw
    assert raw["tags[1]"] == "y"
    # a number that is not one stays text, for the validator to name
    assert form_parse.parse(schema, {"parties[0][share_percent]": "sextio"}) == {
        "parties": [{"share_percent": "sextio"}]}


def test_add_and_remove_rows_without_javascript_keep_what_was_typed(
        services: Services, browser: Browser, people: Any) -> None:
    url = _to_plan(services, browser)
    html = browser.get(url)
    assert '<fieldset id="f-parties" class="rows"' in html
    assert "Inga rader ännu." in text_of(html)  # no parties until one is added
    assert 'name="statistics[0][label]"' in html  # minItems 1: one statistic row from the start
    assert 'name="__add" value="parties"' in html and ">Lägg till part</button>" in html
    typed = dict(PLAN_FORM, **{"statistics[0][label]": "individkontakter", "statistics[0][unit]": "personer"})

    resp = browser.post(url, dict(typed, __add="parties"))
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert _value(html, "yearly_support_sek") == "400 000"  # kept as typed
    assert _value(html, "statistics[0][label]") == "individkontakter"
    assert _value(html, "parties[0][name]") == "" and _value(html, "parties[0][org_number]") == ""
    assert re.search(r'<input id="f-parties-0-name"[^>]*autofocus', html)  # the new row's first field
    assert "En ny rad är tillagd." in html
    assert "<legend data-row-legend>Part 1</legend>" in html
    assert steps.names(services, steps_case(services)) == ["economic_plan"]  # nothing was completed

    two = dict(typed, **{"parties[0][name]": "Stödcentrum", "parties[0][org_number]": ORG_B,
                         "parties[1][name]": "Fritidsgården", "parties[1][org_number]": "802400-0005",
                         "parties[1][share_percent]": "30"})
    html = browser.post(url, dict(two, __remove="parties[0]")).get_data(as_text=True)
    assert _value(html, "parties[0][name]") == "Fritidsgården"  # renumbered
    assert _value(html, "parties[0][share_percent]") == "30"
    assert _value(html, "parties[1][name]") is None
    assert "Raden är borttagen." in html
    assert 'value="parties[0]"' in html and ">Ta bort part 1</button>" in html

    # the last statistic cannot be removed (minItems 1): the button is hidden and a forged post changes nothing
    assert re.search(r'<button[^>]*value="statistics\[0\]"[^>]*hidden', html)
    html = browser.post(url, dict(typed, __remove="statistics[0]")).get_data(as_text=True)
    assert _value(html, "statistics[0][label]") == "individkontakter"
    # a forged list name is ignored, not a 500
    assert browser.post(url, dict(typed, __add="nonsense[x]")).status_code == 200
    assert browser.post(url, dict(typed, __remove="parties[99]")).status_code == 200


def steps_case(services: Services) -> int:
    from sqlalchemy import select

    from app.models import Case
    with services.unit_of_work() as s:
        return int(s.scalars(select(Case.id).order_by(Case.id.desc())).first() or 0)


def test_max_items_hides_the_add_button_and_refuses_more(services: Services, browser: Browser, people: Any) -> None:
    url = _to_plan(services, browser)
    typed = dict(PLAN_FORM, **{f"parties[{i}][name]": f"P{i}" for i in range(10)})
    html = browser.post(url, dict(typed, __add="parties")).get_data(as_text=True)
    assert _value(html, "parties[10][name]") is None  # ten at most
    assert re.search(r'<button[^>]*id="f-parties-add"[^>]*hidden', html)
    assert "Högst 10 rader." in html


def test_errors_are_shown_at_each_nested_field_and_linked_from_the_summary(
        services: Services, browser: Browser, people: Any) -> None:
    url = _to_plan(services, browser)
    data = dict(PLAN_FORM, **{"parties[0][name]": "Stödcentrum", "parties[0][org_number]": ORG_B,
                              "parties[1][name]": "", "parties[1][org_number]": "",  # empty: dropped
                              "parties[2][name]": "Fel AB", "parties[2][org_number]": "12",
                              "parties[2][share_percent]": "sextio",
                              "statistics[0][label]": "", "statistics[0][unit]": ""})
    resp = browser.post(url, data)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index('class="error-summary"'))]
    assert ('<a href="#f-parties-1-org_number">Organisationsnummer: Texten har fel form. Skriv till exempel '
            '802400-0005.</a>') in summary
    assert '<a href="#f-parties-1-share_percent">Andel av kommunens stöd (%): Skriv ett heltal.</a>' in summary
    assert '<a href="#f-statistics-0-label">Statistik som organisationen redovisar vid uppföljning: ' \
           'Lägg till minst en rad.</a>' in summary
    assert '<p class="error-message" id="f-parties-1-org_number-error">' in html
    field = re.search(r'<input id="f-parties-1-org_number"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in field and 'value="12"' in field
    assert _value(html, "parties[1][share_percent]") == "sextio"  # kept as typed, on the renumbered row
    assert _value(html, "parties[0][name]") == "Stödcentrum"
    assert re.search(r'<div class="error-summary"[^>]*tabindex="-1"[^>]*autofocus', html)

    good = dict(PLAN_FORM, **{"parties[0][name]": "Stödcentrum", "parties[0][org_number]": ORG_B,
                              "parties[0][share_percent]": "40", "parties[0][signatory]": "Eva Ek",
                              "statistics[0][label]": "individkontakter", "statistics[0][unit]": "personer",
                              "statistics[1][label]": "unika personer", "statistics[1][unit]": ""})
    assert browser.post(url, good).status_code == 302
    case_id = steps_case(services)
    agreement_data = _completed_values(services, case_id, "economic_plan")
    assert agreement_data["parties"] == [{"name": "Stödcentrum", "org_number": ORG_B, "share_percent": 40,
                                          "signatory": "Eva Ek"}]
    assert agreement_data["statistics"] == [{"label": "individkontakter", "unit": "personer"},
                                            {"label": "unika personer"}]
    assert agreement_data["yearly_support_sek"] == 400000


def _completed_values(services: Services, case_id: int, name: str) -> dict[str, Any]:
    from sqlalchemy import select

    from app.models import CaseEvent
    with services.unit_of_work() as s:
        events = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                        CaseEvent.kind == "task_completed")))
        found = [e.data["values"] for e in events if e.data.get("task_name", e.data.get("name")) == name
                 or e.data.get("form", "").startswith(f"stenungsund_{name}")]
    assert found, [e.data for e in events]
    return dict(found[-1])
