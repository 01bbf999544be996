"""Issue 9, finding 4: definitions belong to a municipality.

A process owner deploys, edits, validates-and-deploys and migrates only their own municipality's processes;
administrators act on all; organisations and other staff cannot validate or deploy at all."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.domain.accounts import add_user
from app.engine.definitions import bundle_from_directory
from app.models import DefinitionVersion, Municipality, User
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.web.pages import Browser

ROOT = Path(__file__).resolve().parents[2]
STENUNGSUND = ROOT / "processes" / "stenungsund_agreement.bpmn"


@pytest.fixture
def stig(services: Services, people: dict[str, User]) -> str:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "stig", PASSWORD, "process_owner", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    return "stig"


def bundle(rename: str = "IOP i Stenungsund (ändrad)") -> dict[str, str]:
    files = bundle_from_directory(STENUNGSUND)
    files[STENUNGSUND.name] = files[STENUNGSUND.name].replace(
        'name="IOP i Stenungsund: dialog, beslut, uppföljning och förnyelse"', f'name="{rename}"')
    return files


def uploads(files: dict[str, str]) -> list[tuple[io.BytesIO, str]]:
    return [(io.BytesIO(text.encode()), name) for name, text in files.items()]


def versions(services: Services, process_id: str = "stenungsund_agreement") -> list[int]:
    with services.unit_of_work() as s:
        return list(s.scalars(select(DefinitionVersion.version).where(DefinitionVersion.process_id == process_id)
                              .order_by(DefinitionVersion.version)))


def upload(api: Any, url: str, files: dict[str, str]) -> Any:
    return api.client.post(url, headers=api.headers, data={"files": uploads(files)},
                           content_type="multipart/form-data")


def test_a_falun_process_owner_cannot_deploy_stenungsunds_process(api: Any, services: Services, stig: str) -> None:
    before = versions(services)
    resp = upload(api("owner"), "/api/v1/definitions", bundle())
    assert resp.status_code == 403, resp.get_json()
    assert "Stenungsunds kommun" in resp.get_json()["error"]["message"]
    assert versions(services) == before == [1]
    ok = upload(api(stig), "/api/v1/definitions", bundle())
    assert ok.status_code == 201 and ok.get_json()["version"] == 2
    assert upload(api("admin"), "/api/v1/definitions", bundle("Av admin")).status_code == 201
    assert versions(services) == [1, 2, 3]


def test_the_next_stenungsund_case_stays_on_stenungsunds_version(api: Any, services: Services) -> None:
    upload(api("owner"), "/api/v1/definitions", bundle())
    case = api("org_a").post("/api/v1/cases", {"municipality": "stenungsund"}).get_json()
    assert case["definition"]["version"] == 1


def test_definitions_carry_their_owner(services: Services) -> None:
    with services.unit_of_work() as s:
        owners = {row.process_id: s.get(Municipality, row.owner_municipality_id).slug  # type: ignore[union-attr]
                  for row in s.scalars(select(DefinitionVersion))}
    assert owners == {"falun_initiative": "falun", "stenungsund_agreement": "stenungsund", "gavle_agreement": "gavle",
                      "kungsbacka_agreement": "kungsbacka"}


def test_a_new_process_belongs_to_the_municipality_that_first_deploys_it(api: Any, services: Services,
                                                                         stig: str) -> None:
    files = bundle()
    files[STENUNGSUND.name] = files[STENUNGSUND.name].replace('id="stenungsund_agreement"', 'id="falun_egen"')
    assert upload(api("owner"), "/api/v1/definitions", files).status_code == 201
    files[STENUNGSUND.name] = files[STENUNGSUND.name].replace('name="IOP i Stenungsund (ändrad)"', 'name="Annan"')
    refused = upload(api(stig), "/api/v1/definitions", files)
    assert refused.status_code == 403 and "Falu kommun" in refused.get_json()["error"]["message"]
    assert versions(services, "falun_egen") == [1]


@pytest.mark.parametrize("username", ["org_a", "officer", "lawyer"])
def test_only_process_owners_and_administrators_may_validate(api: Any, services: Services, username: str) -> None:
    resp = upload(api(username), "/api/v1/validate", bundle())
    assert resp.status_code == 403, resp.get_json()
    assert upload(api(username), "/api/v1/definitions", bundle()).status_code == 403
    assert versions(services) == [1]
    assert upload(api("owner"), "/api/v1/validate", bundle()).status_code == 200


def test_a_falun_process_owner_cannot_migrate_stenungsunds_cases(api: Any, services: Services, stig: str) -> None:
    api("org_a").post("/api/v1/cases", {"municipality": "stenungsund"})
    v2 = upload(api(stig), "/api/v1/definitions", bundle()).get_json()
    resp = api("owner").post(f"/api/v1/definitions/{v2['id']}/migrate-eligible", {"dry_run": False})
    assert resp.status_code == 403 and "Stenungsunds kommun" in resp.get_json()["error"]["message"]
    cases = api("admin").get("/api/v1/cases?process=stenungsund_agreement").get_json()["items"]
    assert [c["definition"]["version"] for c in cases] == [1]


# --------------------------------------------------------------------- pages
def _stenungsund_row(services: Services) -> DefinitionVersion:
    with services.unit_of_work() as s:
        row = s.scalars(select(DefinitionVersion).where(DefinitionVersion.process_id == "stenungsund_agreement")
                        .order_by(DefinitionVersion.version.desc())).first()
        assert row is not None
        s.expunge(row)
        return row


def test_the_pages_refuse_a_falun_process_owner_on_stenungsunds_process(client: FlaskClient, people: Any,
                                                                         services: Services) -> None:
    browser = Browser(client)
    browser.login("owner")
    row = _stenungsund_row(services)
    upload_resp = browser.post("/processes/upload", files={"files": uploads(bundle())}, page="/processes/")
    assert upload_resp.status_code == 403
    assert "Stenungsunds kommun" in upload_resp.get_data(as_text=True)
    token = browser.token("/processes/")
    headers = {"X-CSRFToken": token}
    body = json.dumps({"file": STENUNGSUND.name, "bpmn": bundle()[STENUNGSUND.name]})
    for action in ("validate", "deploy"):
        resp = client.post(f"/processes/versions/{row.id}/{action}", data=body, content_type="application/json",
                           headers=headers)
        assert resp.status_code == 403, action
    assert client.get(f"/processes/versions/{row.id}/modeller").status_code == 403
    assert client.get(f"/admin/migration/{row.id}").status_code == 403
    assert client.post(f"/admin/migration/{row.id}/all", data={"csrf_token": token}).status_code == 403
    assert versions(services) == [1]
    # the own process still works
    falun = browser.get("/processes/")
    assert "falun_initiative" in falun
