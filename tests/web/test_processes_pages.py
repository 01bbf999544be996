"""The processes pages: version list, upload, the modeller's validate/deploy endpoints, the bpmn-js files,
and the diagram on the case page. Who may reach what, what is refused and that a refusal changes nothing."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.models import DefinitionVersion
from app.services import Services
from app.web.pages import bpmn_vendor
from tests.web.conftest import Flow
from tests.web.pages import Browser, text_of

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
FALUN = PROCESSES / "falun_initiative.bpmn"
FORMS = PROCESSES / "forms"
DEPLOYED = len(list(PROCESSES.glob("*.bpmn")))  # one version of each process in processes/


def falun_version(services: Services) -> DefinitionVersion:
    with services.unit_of_work() as s:
        row = s.scalars(select(DefinitionVersion).where(DefinitionVersion.process_id == "falun_initiative")
                        .order_by(DefinitionVersion.version.desc())).first()
        assert row is not None
        s.expunge(row)
        return row


def version_count(services: Services) -> int:
    with services.unit_of_work() as s:
        return s.scalar(select(func.count(DefinitionVersion.id))) or 0


def falun_bundle(bpmn: str | None = None) -> list[tuple[io.BytesIO, str]]:
    """The Falun diagram and its forms as multipart uploads."""
    text = bpmn if bpmn is not None else FALUN.read_text(encoding="utf-8")
    files = [(io.BytesIO(text.encode()), FALUN.name)]
    for form in sorted(FORMS.glob("falun_*.json")):
        files.append((io.BytesIO(form.read_bytes()), form.name))
    return files


def csrf(browser: Browser, url: str = "/processes/") -> str:
    return browser.token(url)


def post_json(browser: Browser, url: str, body: dict[str, Any], token: str | None) -> Any:
    headers = {"X-CSRFToken": token} if token else {}
    return browser.client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


# ---------------------------------------------------------------- permissions
@pytest.mark.parametrize("username", ["officer", "org_a", "lawyer", "finance"])
def test_other_roles_cannot_reach_the_processes_pages(browser: Browser, services: Services, username: str) -> None:
    row = falun_version(services)
    browser.login(username)
    token = csrf(browser, "/tasks/")
    for url in ("/processes/", f"/processes/versions/{row.id}/modeller",
                f"/processes/versions/{row.id}/files/falun_initiative.bpmn"):
        assert browser.client.get(url).status_code == 403, url
    resp = browser.client.post("/processes/upload", data={"csrf_token": token, "files": falun_bundle()})
    assert resp.status_code == 403
    for action in ("validate", "deploy"):
        resp = post_json(browser, f"/processes/versions/{row.id}/{action}", {"bpmn": "<x/>"}, token)
        assert resp.status_code == 403, action
    assert version_count(services) == DEPLOYED  # the processes in processes/, nothing new


def test_anonymous_visitors_are_sent_to_the_log_in_page(client: Any, services: Services) -> None:
    resp = client.get("/processes/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_owner_sees_every_process_with_versions_and_case_counts(browser: Browser, flow: Flow,
                                                               services: Services) -> None:
    flow.start("org_a")
    browser.login("owner")
    page = browser.get("/processes/")
    text = text_of(page)
    assert "falun_initiative" in text and "stenungsund_agreement" in text
    row = falun_version(services)
    assert row.content_hash[:12] in page
    cells = re.search(r'<table class="versions" data-process="falun_initiative">.*?</table>', page, re.S)
    assert cells is not None
    falun_text = text_of(cells.group(0))
    assert "Version 1 Senaste" in falun_text
    assert "Systemet " + row.content_hash[:12] + " 1 0" in falun_text  # one running case
    assert f'/processes/versions/{row.id}/modeller' in page
    assert 'nav' in page and 'href="/processes/"' in page


# ------------------------------------------------------------------- uploads
def test_upload_of_a_valid_bundle_deploys_a_new_version(browser: Browser, services: Services) -> None:
    browser.login("owner")
    changed = FALUN.read_text(encoding="utf-8").replace('name="Fyll i checklistan"', 'name="Fyll i listan"')
    resp = browser.post("/processes/upload", files={"files": falun_bundle(changed)}, page="/processes/")
    assert resp.status_code == 303
    page = browser.get("/processes/")
    assert "falun_initiative version 2 är driftsatt" in text_of(page)
    row = falun_version(services)
    assert row.version == 2
    with services.unit_of_work() as s:
        stored = s.get(DefinitionVersion, row.id)
        assert stored is not None and stored.deployed_by_id is not None
    assert "owner" in text_of(page)  # who deployed it


def test_upload_of_the_same_content_creates_no_version(browser: Browser, services: Services) -> None:
    browser.login("owner")
    resp = browser.post("/processes/upload", files={"files": falun_bundle()}, page="/processes/")
    assert resp.status_code == 303
    assert "ingen ny version skapades" in text_of(browser.get("/processes/"))
    assert version_count(services) == DEPLOYED


def test_an_invalid_upload_lists_every_problem_and_changes_nothing(browser: Browser, services: Services) -> None:
    browser.login("owner")
    broken = FALUN.read_text(encoding="utf-8").replace('value="falun_checklist.json"', 'value="missing_form.json"')
    files = [f for f in falun_bundle(broken) if f[1] != "falun_initiative.json"]  # one more form gone
    resp = browser.post("/processes/upload", files={"files": files}, page="/processes/")
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S)
    assert summary is not None
    text = text_of(summary.group(0))
    assert "Versionen driftsattes inte: 2 problem" in text
    assert "Ingenting ändrades" in text
    assert re.search(r"falun_initiative\.bpmn ?, rad \d+, element Fyll i checklistan \(checklist\)", text)
    assert "element Fyll i checklistan (checklist)" in text and "missing_form.json" in text
    assert "(initiative)" in text
    assert version_count(services) == DEPLOYED


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("notes.txt", b"hello", "Filerna togs inte emot: notes.txt"),
    ("latin1.json", "{\"title\": \"\xe5\"}".encode("latin-1"), "inte UTF-8"),
])
def test_upload_refuses_files_of_the_wrong_kind(browser: Browser, services: Services, name: str,
                                                content: bytes, expected: str) -> None:
    browser.login("owner")
    resp = browser.post("/processes/upload", files={"files": [(io.BytesIO(content), name)]}, page="/processes/")
    assert resp.status_code == 422
    text = text_of(resp.get_data(as_text=True))
    assert expected in text or "not UTF-8" in text
    assert version_count(services) == DEPLOYED


def test_upload_without_files_says_so(browser: Browser, services: Services) -> None:
    browser.login("owner")
    resp = browser.post("/processes/upload", page="/processes/")
    assert resp.status_code == 422
    assert "Välj minst en fil att ladda upp." in text_of(resp.get_data(as_text=True))


def test_upload_needs_the_csrf_token(browser: Browser, services: Services) -> None:
    browser.login("owner")
    resp = browser.client.post("/processes/upload", data={"files": falun_bundle()})
    assert resp.status_code == 400
    assert version_count(services) == DEPLOYED


# ---------------------------------------------------------- modeller endpoints
def test_modeller_page_loads_the_version(browser: Browser, services: Services) -> None:
    row = falun_version(services)
    browser.login("owner")
    page = browser.get(f"/processes/versions/{row.id}/modeller")
    assert 'id="modeller"' in page and 'data-csrf="' in page
    assert "/vendor/bpmn-js/bpmn-modeler.production.min.js" in page
    assert "<script>" not in page  # no inline script: the CSP forbids them
    xml = browser.client.get(f"/processes/versions/{row.id}/files/falun_initiative.bpmn")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert xml.get_data(as_text=True) == row.files["falun_initiative.bpmn"]
    assert browser.client.get(f"/processes/versions/{row.id}/files/..%2Fsecret").status_code == 404
    assert browser.client.get(f"/processes/versions/{row.id}/modeller?file=other.bpmn").status_code == 404
    assert browser.client.get("/processes/versions/99999/modeller").status_code == 404


def test_the_modeller_script_gets_singular_and_plural_texts(browser: Browser, services: Services) -> None:
    """Counts in the modeller's status and badges come from the catalogue's plural entries, both forms, in the
    page's language (Swedish unless asked for English); the script picks the form with Intl.PluralRules."""
    row = falun_version(services)
    browser.login("owner")

    def texts(query: str) -> dict[str, Any]:
        page = browser.get(f"/processes/versions/{row.id}/modeller{query}")
        found = re.search(r'<script type="application/json" id="modeller-texts">(.*?)</script>', page, re.S)
        assert found, page[:2000]
        result: dict[str, Any] = json.loads(found.group(1))
        return result

    swedish = texts("")
    assert swedish["lang"] == "sv" and swedish["problem_count"] == {"one": "{count} fel", "other": "{count} fel"}
    assert swedish["invalid"] == {"one": "{count} problem hittades. Det listas nedan och är markerat i diagrammet.",
                                  "other": "{count} problem hittades. De listas nedan och är markerade i diagrammet."}
    assert swedish["validating"] == "Validerar …"
    english = texts("?lang=en")
    assert english["lang"] == "en" and english["problem_count"] == {"one": "{count} error", "other": "{count} errors"}
    assert english["refused"] == {
        "one": "The version was not deployed: {count} problem. It is listed below and marked in the diagram.",
        "other": "The version was not deployed: {count} problems. They are listed below and marked in the diagram."}
    assert "(s)" not in json.dumps(english)


def test_pages_without_bpmn_js_say_it_is_not_installed(app: Flask, browser: Browser, flow: Flow,
                                                       services: Services, tmp_path: Path) -> None:
    app.config["IOP_BPMN_JS_DIST"] = str(tmp_path / "nowhere")
    case_id = flow.start("org_a")
    case_page = browser.get(f"/cases/{case_id}")
    assert "bpmn-js inte är installerat" in text_of(case_page) and "case-viewer-data" not in case_page
    assert "Fyll i checklistan" in text_of(case_page)  # the text lists of the steps are still there
    row = falun_version(services)
    browser.login("owner")
    page = browser.get(f"/processes/versions/{row.id}/modeller")
    assert "Modelleraren är inte installerad" in text_of(page) and "make setup" in text_of(page)
    assert "bpmn-modeler.production.min.js" not in page
    assert browser.client.get("/vendor/bpmn-js/bpmn-modeler.production.min.js").status_code == 404


def test_validate_and_deploy_need_the_csrf_token(browser: Browser, services: Services) -> None:
    row = falun_version(services)
    browser.login("owner")
    body = {"file": "falun_initiative.bpmn", "bpmn": row.files["falun_initiative.bpmn"]}
    for action in ("validate", "deploy"):
        resp = post_json(browser, f"/processes/versions/{row.id}/{action}", body, None)
        assert resp.status_code == 400, action
        resp = post_json(browser, f"/processes/versions/{row.id}/{action}", body, "forged-token")
        assert resp.status_code == 400, action
    assert version_count(services) == DEPLOYED


def test_validate_reports_problems_by_element(browser: Browser, services: Services) -> None:
    row = falun_version(services)
    browser.login("owner")
    token = csrf(browser)
    url = f"/processes/versions/{row.id}/validate"
    ok = post_json(browser, url, {"file": "falun_initiative.bpmn", "bpmn": row.files["falun_initiative.bpmn"]}, token)
    assert ok.status_code == 200 and ok.get_json() == {"problems": [], "details": []}
    broken = row.files["falun_initiative.bpmn"].replace('value="falun_review_draft.json"', 'value="gone.json"')
    resp = post_json(browser, url, {"file": "falun_initiative.bpmn", "bpmn": broken}, token)
    body = resp.get_json()
    assert resp.status_code == 200 and len(body["problems"]) == 1
    detail = body["details"][0]
    assert detail["element_id"] == "review_draft" and detail["file"] == "falun_initiative.bpmn"
    assert detail["element_name"] == "Granska avtalsutkastet" and isinstance(detail["line"], int)
    assert "gone.json" in detail["message"] and "gone.json" in body["problems"][0]
    bad = post_json(browser, url, {"bpmn": 42}, token)
    assert bad.status_code == 422 and bad.get_json()["problems"]


def test_deploy_from_the_modeller(browser: Browser, services: Services) -> None:
    row = falun_version(services)
    browser.login("owner")
    token = csrf(browser)
    url = f"/processes/versions/{row.id}/deploy"
    broken = row.files["falun_initiative.bpmn"].replace('value="falun_review_draft.json"', 'value="gone.json"')
    refused = post_json(browser, url, {"file": "falun_initiative.bpmn", "bpmn": broken}, token)
    assert refused.status_code == 422
    assert refused.get_json()["details"][0]["element_id"] == "review_draft"
    assert version_count(services) == DEPLOYED
    same = post_json(browser, url, {"file": "falun_initiative.bpmn", "bpmn": row.files["falun_initiative.bpmn"]},
                     token)
    assert same.status_code == 200 and same.get_json()["created"] is False
    edited = row.files["falun_initiative.bpmn"].replace('name="Granska avtalsutkastet"', 'name="Granska utkastet"')
    resp = post_json(browser, url, {"file": "falun_initiative.bpmn", "bpmn": edited}, token)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["version"] == 2 and body["created"] is True and body["list_url"] == "/processes/"
    new = falun_version(services)
    assert new.version == 2 and new.files["falun_initiative.bpmn"] == edited
    assert set(new.files) == set(row.files)  # the forms came along
    assert "falun_initiative version 2 är driftsatt" in text_of(browser.get("/processes/"))


# ----------------------------------------------------------------- vendor files
def test_vendor_route_serves_only_the_listed_files(client: Any) -> None:
    if not (bpmn_vendor.DEFAULT_DIST / bpmn_vendor.MODELER).is_file():
        pytest.skip("bpmn-js is not installed (make setup)")
    ok = client.get("/vendor/bpmn-js/assets/bpmn-js.css")
    assert ok.status_code == 200 and ok.mimetype == "text/css"
    font = client.get("/vendor/bpmn-js/assets/bpmn-font/font/bpmn.woff2")
    assert font.status_code == 200 and font.mimetype == "font/woff2"
    for path in ("../package.json", "..%2F..%2Fpackage.json", "assets/../../package.json", "%2e%2e/%2e%2e/LICENSE",
                 "bpmn-modeler.development.js", "assets", "/etc/passwd", "assets/bpmn-font/../../../package.json",
                 "..\\..\\package.json"):
        resp = client.get(f"/vendor/bpmn-js/{path}", follow_redirects=True)  # "//" is merged by a redirect
        assert resp.status_code == 404, path
        assert b'"name"' not in resp.get_data()


# ------------------------------------------------------------------ case page
def test_case_page_shows_the_diagram_and_the_states_in_text(browser: Browser, flow: Flow,
                                                            services: Services) -> None:
    case_id = flow.start("org_a")
    page = browser.get(f"/cases/{case_id}")
    assert 'id="case-viewer"' in page
    data = json.loads(re.search(r'<script type="application/json" id="case-viewer-data">(.*?)</script>',
                                page, re.S).group(1))  # type: ignore[union-attr]
    assert data["states"]["checklist"] == "active"
    assert data["states"]["start"] == "completed" or "completed" in data["states"].values()
    lists = re.search(r'<div class="state-lists" id="case-element-states">.*?</section>', page, re.S)
    assert lists is not None and "Fyll i checklistan" in text_of(lists.group(0))
    xml = browser.client.get(f"/cases/{case_id}/diagram.bpmn")
    assert xml.status_code == 200 and b'id="falun_initiative"' in xml.get_data()


def test_case_diagram_follows_the_case_page_permissions(browser: Browser, flow: Flow) -> None:
    case_id = flow.start("org_a")
    browser.login("org_b")
    assert browser.client.get(f"/cases/{case_id}").status_code == 404
    assert browser.client.get(f"/cases/{case_id}/diagram.bpmn").status_code == 404
    browser.login("other_officer")
    assert browser.client.get(f"/cases/{case_id}/diagram.bpmn").status_code == 404
    browser.login("officer")
    assert browser.client.get(f"/cases/{case_id}/diagram.bpmn").status_code == 200


def test_the_pages_speak_english_too(browser: Browser, flow: Flow, services: Services) -> None:
    case_id = flow.start("org_a")
    browser.login("owner")
    text = text_of(browser.get("/processes/?lang=en"))
    assert "Upload a new version" in text and "Running cases" in text and "Version 1 Latest" in text
    row = falun_version(services)
    assert "Model Initiativ till IOP (Falun), version 1" in text_of(
        browser.get(f"/processes/versions/{row.id}/modeller?lang=en"))
    browser.login("admin")
    case_text = text_of(browser.get(f"/cases/{case_id}?lang=en"))
    assert "Process diagram" in case_text and "The case's steps as text" in case_text
