"""The migration API: dry run, migrate one, migrate all eligible, revert; who may; answers as documented."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.domain.accounts import add_user
from app.models import Case, CaseEvent, DefinitionVersion, User
from app.services import Services
from tests.api.test_openapi_responses import Checked
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.migration.conftest import complete, open_tasks, run_to_end, start_case


@pytest.fixture
def checked(client: FlaskClient, people: dict[str, User], services: Services) -> Callable[[str], Checked]:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "owner_stenungsund", PASSWORD, "process_owner", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    doc = client.get("/api/v1/openapi.json").get_json()
    seen: set[str] = set()
    return lambda username: Checked(client, username, doc, seen)


def test_dry_run_migrate_continue_and_history(services: Services, checked: Callable[[str], Checked],
                                              deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "checklist")
    v2 = deploy_v2()
    owner = checked("owner")
    report = owner.get(f"/api/v1/cases/{case_id}/migration?to={v2.id}").get_json()
    assert report["eligible"] is True and report["to"] == {"id": v2.id, "version": 2}
    assert {"id": "second_legal_opinion", "name": "Ge ett andra juridiskt yttrande", "change": "added",
            "process": "prepare", "attributes": []} in report["changes"]
    assert owner.get(f"/api/v1/cases/{case_id}/migration").get_json()["to"]["id"] == v2.id  # latest by default
    done = owner.post(f"/api/v1/cases/{case_id}/migration", {"to": v2.id})
    assert done.status_code == 200
    migration = done.get_json()["migration"]
    assert (migration["from"]["version"], migration["to"]["version"], migration["status"]) == (1, 2, "applied")
    assert migration["migrated_by"] == "owner"
    again = owner.post(f"/api/v1/cases/{case_id}/migration", {"to": v2.id})
    assert again.status_code == 409 and "already on this version" in again.get_json()["error"]["message"]
    case = owner.get(f"/api/v1/cases/{case_id}").get_json()
    assert case["definition"]["version"] == 2
    event = [e for e in case["history"] if e["kind"] == "migrated"][-1]
    assert event["actor"] == "owner" and event["data"]["from_version"] == 1 and event["data"]["to_version"] == 2
    assert "second_legal_opinion" in run_to_end(services, case_id)


def test_not_eligible_is_a_conflict_with_the_reason(services: Services, checked: Callable[[str], Checked],
                                                    deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "department_decision")
    v2 = deploy_v2()
    admin = checked("admin")
    report = admin.get(f"/api/v1/cases/{case_id}/migration?to={v2.id}").get_json()
    assert report["eligible"] is False
    assert report["blockers"][0]["reason"] == "passed_changed"
    assert report["blockers"][0]["element_id"] == "legal_assessment"
    resp = admin.post(f"/api/v1/cases/{case_id}/migration", {"to": v2.id})
    assert resp.status_code == 409 and "legal_assessment" in resp.get_json()["error"]["message"]
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.definition_id != v2.id


def test_migrate_all_eligible_moves_only_the_eligible(services: Services, checked: Callable[[str], Checked],
                                                      deploy_v2: Callable[[], DefinitionVersion]) -> None:
    early = start_case(services, "checklist")
    at_legal = start_case(services, "legal_assessment")
    at_form = start_case(services, "initiative")
    past = start_case(services, "department_decision")
    v2 = deploy_v2()
    owner = checked("owner")
    dry = owner.post(f"/api/v1/definitions/{v2.id}/migrate-eligible", {"dry_run": True}).get_json()
    assert sorted(r["case_id"] for r in dry["eligible"]) == [early, at_legal] and dry["migrated"] == []
    result = owner.post(f"/api/v1/definitions/{v2.id}/migrate-eligible").get_json()
    assert sorted(m["case_id"] for m in result["migrated"]) == [early, at_legal]
    assert sorted(r["case_id"] for r in result["not_eligible"]) == [at_form, past]
    with services.unit_of_work() as s:
        versions = dict(s.execute(select(Case.id, Case.definition_id)).all())
    assert versions[early] == versions[at_legal] == v2.id
    assert versions[at_form] != v2.id and versions[past] != v2.id
    # the cases left behind run on to the end on version 1
    assert "second_legal_opinion" not in run_to_end(services, past)
    assert owner.post(f"/api/v1/definitions/{v2.id}/migrate-eligible").get_json()["migrated"] == []


def test_revert_restores_and_is_refused_after_the_case_moved(
        services: Services, checked: Callable[[str], Checked], deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "legal_assessment")
    other_id = start_case(services, "checklist")
    v2 = deploy_v2()
    owner = checked("owner")
    first = owner.post(f"/api/v1/cases/{case_id}/migration", {"to": v2.id}).get_json()["migration"]
    second = owner.post(f"/api/v1/cases/{other_id}/migration", {"to": v2.id}).get_json()["migration"]
    reverted = owner.post(f"/api/v1/migrations/{first['id']}/revert")
    assert reverted.status_code == 200
    assert reverted.get_json()["migration"]["status"] == "reverted"
    assert reverted.get_json()["migration"]["reverted_by"] == "owner"
    assert owner.post(f"/api/v1/migrations/{first['id']}/revert").status_code == 409  # once only
    case = owner.get(f"/api/v1/cases/{case_id}").get_json()
    assert case["definition"]["version"] == 1
    assert [e["kind"] for e in case["history"]][-2:] == ["migrated", "migration_reverted"]
    complete(services, case_id, "legal_assessment")
    assert [t.name for t in open_tasks(services, case_id)] == ["department_decision"]
    complete(services, other_id, "checklist")
    refused = owner.post(f"/api/v1/migrations/{second['id']}/revert")
    assert refused.status_code == 409 and "moved on" in refused.get_json()["error"]["message"]
    assert owner.post("/api/v1/migrations/999999/revert").status_code == 404


def test_who_may_migrate(services: Services, checked: Callable[[str], Checked],
                         deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "checklist")
    v2 = deploy_v2()
    url = f"/api/v1/cases/{case_id}/migration"
    for username in ("officer", "org_a", "lawyer"):
        client = checked(username)
        assert client.get(f"{url}?to={v2.id}").status_code == 403
        assert client.post(url, {"to": v2.id}).status_code == 403
        assert client.post(f"/api/v1/definitions/{v2.id}/migrate-eligible").status_code == 403
    stranger = checked("owner_stenungsund")
    assert stranger.get(f"{url}?to={v2.id}").status_code == 404  # not theirs to see
    assert stranger.post(url, {"to": v2.id}).status_code == 404
    assert stranger.post(f"/api/v1/definitions/{v2.id}/migrate-eligible").status_code == 403
    assert checked("org_b").get(f"{url}?to={v2.id}").status_code == 404
    migration = checked("owner").post(url, {"to": v2.id}).get_json()["migration"]
    assert checked("officer").post(f"/api/v1/migrations/{migration['id']}/revert").status_code == 403
    assert stranger.post(f"/api/v1/migrations/{migration['id']}/revert").status_code == 404
    with services.unit_of_work() as s:
        kinds = [e.kind for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id))]
    assert kinds.count("migrated") == 1 and "migration_reverted" not in kinds


def test_bad_input(services: Services, checked: Callable[[str], Checked],
                   deploy_v2: Callable[[], DefinitionVersion]) -> None:
    case_id = start_case(services, "checklist")
    deploy_v2()
    admin = checked("admin")
    url = f"/api/v1/cases/{case_id}/migration"
    assert admin.get(f"{url}?to=abc").status_code == 422
    assert admin.get(f"{url}?to=424242").status_code == 404
    assert admin.post(url, {}).status_code == 422
    assert admin.post(url, {"to": "x"}).status_code == 422
    assert admin.post(url, {"to": 2, "extra": 1}).status_code == 422
    assert admin.post(url, {"to": True}).status_code == 422
    assert admin.get("/api/v1/cases/999999/migration").status_code == 404
    assert admin.post("/api/v1/definitions/999999/migrate-eligible").status_code == 404
    assert admin.post("/api/v1/definitions/1/migrate-eligible", {"dry_run": "yes"}).status_code == 422
    with services.unit_of_work() as s:
        stenungsund = s.scalar(select(DefinitionVersion.id).where(
            DefinitionVersion.process_id == "stenungsund_agreement"))
    wrong = admin.get(f"{url}?to={stenungsund}").get_json()
    assert wrong["eligible"] is False and wrong["blockers"][0]["reason"] == "other_process"
