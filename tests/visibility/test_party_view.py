"""The organisation sees its case as the law gives it, through the case page, the task pages and the API: never
the lawyer's reasoning before the case closes, nor internal events (claims, version migrations); staff see both."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.domain import task_actions
from app.domain.attachments import Upload, store_upload
from app.domain.visibility import EVENT_AUDIENCE
from app.driving.case_driver import CaseDriver
from app.engine import migration
from app.models import Case, User
from app.services import Services
from tests import falun_steps
from tests.conftest import ORG_A
from tests.migration.conftest import v2_files
from tests.visibility.conftest import (
    LEGAL_OK,
    LEGAL_WRONG,
    REASONING,
    STAFF_KINDS,
    api_case,
    dumped,
    falun_case,
    logged_in,
    page_text,
)
from tests.web.pages import text_of


def _claim(services: Services, people: dict[str, User], case_id: int, name: str, who: str) -> None:
    task = CaseDriver(services, case_id).task(name)
    with services.unit_of_work() as s:
        user = s.get(User, people[who].id)
        assert user is not None
        task_actions.claim(s, services.engine, user, task.id)


def test_every_event_kind_the_engine_records_has_a_declared_audience() -> None:
    assert STAFF_KINDS <= set(EVENT_AUDIENCE)
    assert all(EVENT_AUDIENCE[k] == "staff" for k in STAFF_KINDS)


def test_the_lawyers_reasoning_and_internal_events_stay_with_staff_while_the_case_runs(
        app: Flask, services: Services, people: dict[str, User]) -> None:
    case_id = falun_case(services, LEGAL_OK)
    _claim(services, people, case_id, "department_decision", "officer")

    seen = page_text(app, "org_a", f"/cases/{case_id}")
    assert "Tog uppgiften" not in seen and "Tog uppgiften" in page_text(app, "officer", f"/cases/{case_id}")
    assert "Skicka in initiativet" in seen and falun_steps.INITIATIVE["activity_title"] in seen  # its own answers
    assert REASONING not in seen
    body = api_case(app, "org_a", case_id)
    assert REASONING not in dumped(body)
    assert {e["kind"] for e in body["history"]} & STAFF_KINDS == set()
    legal = [e for e in body["history"] if e["task"] == "legal_assessment"]
    assert legal and legal[0]["data"] == {"form": "falun_legal_assessment", "values": {}}
    portal = page_text(app, "org_a", "/portal/")
    assert REASONING not in portal

    # staff read all of it: the officer on the case page, the task page's earlier answers and the API
    assert REASONING in page_text(app, "officer", f"/cases/{case_id}")
    task = CaseDriver(services, case_id).task("department_decision")
    assert REASONING in page_text(app, "officer", f"/tasks/{task.id}")
    staff_body = api_case(app, "officer", case_id)
    assert REASONING in dumped(staff_body) and "task_claimed" in {e["kind"] for e in staff_body["history"]}


def test_the_organisations_task_pages_show_only_what_is_its_to_see(
        app: Flask, services: Services, people: dict[str, User]) -> None:
    case_id = falun_case(services, LEGAL_OK)
    driver = CaseDriver(services, case_id)
    driver.complete("department_decision", falun_steps.DEPT_YES)
    driver.complete("draft_agreement", falun_steps.DRAFT)
    task = driver.task("review_draft")
    seen = page_text(app, "org_a", f"/tasks/{task.id}")
    assert str(falun_steps.DRAFT["agreement_purpose"]) in seen  # the draft is drawn up with the organisation
    assert REASONING not in seen


def test_the_reasoning_reaches_the_organisation_when_the_case_closes(
        app: Flask, services: Services, people: dict[str, User]) -> None:
    case_id = falun_case(services, LEGAL_WRONG)  # the diagram ends the case here and feeds the reasoning back
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.outcome == "wrong_contract_form"
    seen = page_text(app, "org_a", f"/cases/{case_id}")
    assert REASONING in seen and "Upphandling" in seen  # the answers too, now that the case has closed
    assert REASONING in page_text(app, "org_a", "/portal/")
    assert REASONING in dumped(api_case(app, "org_a", case_id))


def test_after_a_version_migration_the_organisation_sees_neither_the_migration_nor_the_reasoning(
        app: Flask, services: Services, people: dict[str, User]) -> None:
    case_id = falun_case(services)
    with services.unit_of_work() as s:
        target, created = services.engine.deploy(s, v2_files())
        case = s.get(Case, case_id)
        assert created and case is not None
        migration.migrate_case(s, services.engine, case, target, None, "test")
    CaseDriver(services, case_id).complete("legal_assessment", LEGAL_OK)

    body = api_case(app, "org_a", case_id)
    assert body["definition"]["version"] == 2
    assert "migrated" not in {e["kind"] for e in body["history"]} and REASONING not in dumped(body)
    seen = page_text(app, "org_a", f"/cases/{case_id}")
    assert REASONING not in seen and "flyttades till en ny processversion" not in seen
    assert "flyttades till en ny processversion" in page_text(app, "officer", f"/cases/{case_id}")
    staff: Any = api_case(app, "officer", case_id)
    assert "migrated" in {e["kind"] for e in staff["history"]} and REASONING in dumped(staff)


def test_a_staff_only_file_cannot_be_fetched_by_the_organisation(
        app: Flask, services: Services, people: dict[str, User]) -> None:
    case_id = falun_case(services, LEGAL_OK)
    officer = logged_in(app, "officer")
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        user = s.get(User, people["officer"].id)
        assert case is not None and user is not None
        pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        row = store_upload(s, services.clock, case, user, "corrected_files", Upload("rattelse.pdf", pdf))
        file_id = row.id
    org = logged_in(app, "org_a")
    assert "rattelse.pdf" not in text_of(org.get(f"/cases/{case_id}"))
    org.get(f"/cases/{case_id}/files/{file_id}", status=404)
    assert officer.client.get(f"/cases/{case_id}/files/{file_id}").status_code == 200
    assert "rattelse.pdf" in text_of(officer.get(f"/cases/{case_id}"))


def test_the_party_sees_the_register_rows_the_policy_gives_it(
        app: Flask, services: Services, people: dict[str, User], api: Any) -> None:
    """A staff-only file's row is not listed for the organisation (its name is no less staff-only in the
    register); the lawyer's working document is listed once the case is closed; its own documents and the
    decisions are listed at once. Pages and API agree."""
    driver = CaseDriver.start(services, "falun", ORG_A, actor="org_a")
    for name, who, data in falun_steps.HAPPY_PATH[:3]:
        driver.complete(name, data, who)
    case_id = driver.case_id
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        user = s.get(User, people["officer"].id)
        assert case is not None and user is not None
        pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        store_upload(s, services.clock, case, user, "corrected_files", Upload("rattelse.pdf", pdf))

    def described(username: str) -> list[str]:
        listed = api(username).get(f"/api/v1/cases/{case_id}/documents").get_json()["items"]
        return [item["description"] for item in listed]

    staff, party = described("officer"), described("org_a")
    assert "rattelse.pdf" in staff and "rattelse.pdf" not in party
    assert "Bedöm om IOP är rätt avtalsform" in staff and "Bedöm om IOP är rätt avtalsform" not in party
    assert "Skicka in initiativet" in party  # what it sent
    page = text_of(logged_in(app, "org_a").get(f"/cases/{case_id}"))
    assert "Skicka in initiativet" in page and "rattelse.pdf" not in page
