"""The document register of a case (issue 13): every upload, every completed task whose diagram names
`registerAs` and every mail to the party is registered at once, numbered per case, append-only in the database
and sealed so that `iop records verify` names a row altered behind the application's back. On SQLite, and on
PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.cli import main
from app.core.register_chain import GENESIS
from app.domain import records
from app.driving.case_driver import CaseDriver, set_clock
from app.engine import migration
from app.engine.definitions import bundle_from_directory
from app.engine.validate import validate_bundle
from app.models import Case, RegisteredDocument, User
from app.services import Services
from handlers import registry
from tests import falun_steps
from tests.api.test_openapi_responses import Checked
from tests.conftest import ORG_A
from tests.migration.conftest import start_case, v2_files
from tests.records.tampering import behind_the_applications_back
from tests.stenungsund import steps as stenungsund

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def _falun_case(services: Services, steps: int = 4) -> int:
    driver = CaseDriver.start(services, "falun", ORG_A, actor="org_a")
    for name, who, data in falun_steps.HAPPY_PATH[:steps]:
        driver.complete(name, data, who)
    return driver.case_id


def _register(services: Services, case_id: int) -> list[RegisteredDocument]:
    with services.unit_of_work() as s:
        rows = list(s.scalars(select(RegisteredDocument).where(RegisteredDocument.case_id == case_id)
                              .order_by(RegisteredDocument.number)))
        s.expunge_all()
        return rows


def _upload(api: Any, username: str, case_id: int, name: str) -> Any:
    return api(username).post(f"/api/v1/cases/{case_id}/attachments",
                              data={"file": (io.BytesIO(PDF), name), "field": "attachments"},
                              content_type="multipart/form-data")


def _rows(items: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [(i["kind"], i["direction"], i["counterpart"], i["description"]) for i in items]


def test_a_falun_case_registers_uploads_decisions_and_mail_to_the_party(
        services: Services, people: dict[str, User], api: Any) -> None:
    case_id = _falun_case(services, steps=5)  # up to the agreement draft
    assert _upload(api, "org_a", case_id, "stadgar.pdf").status_code == 201
    assert _upload(api, "officer", case_id, "tjänsteanteckning.pdf").status_code == 201
    answer = api("officer").get(f"/api/v1/cases/{case_id}/documents")
    assert answer.status_code == 200
    body = answer.get_json()
    items = body["items"]
    reg = body["registration_number"]
    assert reg.startswith("KS 2026/")
    assert [i["number"] for i in items] == list(range(1, len(items) + 1))
    assert [i["reference"] for i in items] == [f"{reg}-{n}" for n in range(1, len(items) + 1)]
    rows = _rows(items)
    organisation = "Föreningen Gemenskap"
    # the documents in the order they came, each once: the initiative received, the lawyer's assessment and the
    # department's decision drawn up, the decision mailed to the organisation, the draft agreement, the files
    drawn_up = [r for r in rows if r[0] != "mail"]
    assert drawn_up == [
        ("document", "incoming", organisation, "Skicka in initiativet"),
        ("document", "internal", "lawyer", "Bedöm om IOP är rätt avtalsform"),
        ("decision", "internal", "officer", "Besluta om IOP ska upprättas"),
        ("agreement", "internal", "officer", "Upprätta avtalsutkast"),
        ("upload", "incoming", organisation, "stadgar.pdf"),
        ("upload", "internal", "officer", "tjänsteanteckning.pdf"),
    ]
    mails = [(i["number"], r) for i, r in zip(items, rows, strict=True) if r[0] == "mail"]
    assert all(r[1] == "outgoing" and r[2] == organisation for _, r in mails)
    decision_number = next(i["number"] for i in items if i["kind"] == "decision")
    decision_mail = [n for n, r in mails if "Besluta om IOP ska upprättas" in r[3]]
    assert decision_mail and decision_mail[0] > decision_number  # the decision, then its mail to the party
    # the organisation's address and its user got the same mail: one document sent to one organisation
    assert len({r[3] for _, r in mails}) == len(mails)
    upload = next(i for i in items if i["description"] == "stadgar.pdf")
    assert upload["attachment"]["filename"] == "stadgar.pdf"
    assert api("org_a").get(upload["attachment"]["url"]).data == PDF
    assert all(i["attachment"] is None for i in items if i["kind"] != "upload")
    assert all(i["mail"] == (i["kind"] == "mail") for i in items)
    # the party is shown the same rows but the lawyer's working document while the case runs (visibility)
    party = api("org_a").get(f"/api/v1/cases/{case_id}/documents").get_json()["items"]
    assert party == [i for i in items if i["description"] != "Bedöm om IOP är rätt avtalsform"]


def test_numbers_are_consecutive_per_case_and_each_row_is_sealed_to_the_one_before(
        services: Services, people: dict[str, User], api: Any) -> None:
    first, second = _falun_case(services, steps=2), _falun_case(services, steps=2)
    for case_id in (first, second, first):
        assert _upload(api, "org_a", case_id, "bilaga.pdf").status_code == 201
    for case_id in (first, second):
        rows = _register(services, case_id)
        assert [r.number for r in rows] == list(range(1, len(rows) + 1))
        assert rows[0].prev_hash == GENESIS
        assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert len(_register(services, first)) == len(_register(services, second)) + 1
    with services.unit_of_work() as s:
        result = records.verify(s)
    assert result.intact
    assert result.documents == len(_register(services, first)) + len(_register(services, second))
    with pytest.raises(DBAPIError), services.db.begin() as conn:  # one number once per case
        row = _register(services, first)[0]
        conn.execute(RegisteredDocument.__table__.insert().values(
            case_id=first, number=row.number, registered_at=row.registered_at, direction="internal", kind="document",
            counterpart="", description="", registered_by_name="", digest=""))


def test_a_yearly_report_is_received_and_the_board_decision_drawn_up(
        services: Services, people: dict[str, User]) -> None:
    set_clock(services, stenungsund.midnight("2025-11-20"))
    driver = CaseDriver.start(services, "stenungsund", ORG_A, process_id="stenungsund_agreement")
    driver.complete("interest", stenungsund.INTEREST, "org_a")
    driver.complete_all([("dialogue", stenungsund.DIALOGUE), ("economic_plan", stenungsund.PLAN)])
    driver.complete("documents", stenungsund.DOCS, "org_a")
    driver.complete_all([("documents_check", stenungsund.ALL_RECEIVED), ("suitability", stenungsund.SUITABLE),
                         ("board_decision", stenungsund.DECISION)])
    stenungsund.advance(services, "2026-01-01")
    driver.complete("pay", stenungsund.PAYMENT)
    stenungsund.advance(services, "2026-11-01")
    driver.complete("report", stenungsund.REPORT, "org_a")
    kinds = [(r.kind, r.direction, r.counterpart, r.description) for r in _register(services, driver.case_id)
             if r.kind != "mail"]
    organisation = "Föreningen Gemenskap"
    assert kinds == [
        ("document", "incoming", organisation, "Anmäl intresse för IOP"),
        ("report", "internal", "Stenungsunds kommun", "Lägg upp ekonomisk plan"),
        ("document", "incoming", organisation, "Lämna in handlingar"),
        ("document", "internal", "Stenungsunds kommun", "Lämplighetsbedömning"),
        ("decision", "internal", "Stenungsunds kommun", "Kommunstyrelsen beslutar om överenskommelsen"),
        ("report", "incoming", organisation, "Lämna redogörelse för året"),
    ]
    mails = [r for r in _register(services, driver.case_id) if r.kind == "mail"]
    assert mails and all(r.direction == "outgoing" and r.counterpart == organisation for r in mails)


@pytest.mark.parametrize("statement", [
    "UPDATE document_register SET description = 'ändrad' WHERE case_id = :case",
    "DELETE FROM document_register WHERE case_id = :case",
])
def test_the_database_refuses_to_change_or_delete_a_registered_document(
        services: Services, people: dict[str, User], statement: str) -> None:
    case_id = _falun_case(services, steps=2)
    before = [(r.id, r.description, r.hash) for r in _register(services, case_id)]
    assert before
    with pytest.raises(DBAPIError, match="append-only"), services.db.begin() as conn:
        conn.execute(text(statement), {"case": case_id})
    assert [(r.id, r.description, r.hash) for r in _register(services, case_id)] == before


def test_postgresql_refuses_truncate_of_the_register(services: Services, people: dict[str, User]) -> None:
    if services.db.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite has DELETE only, refused above)")
    _falun_case(services, steps=2)
    with pytest.raises(DBAPIError, match="append-only"), services.db.begin() as conn:
        conn.execute(text("TRUNCATE document_register"))


def _verify(services: Services, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.setenv("IOP_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(services.settings.instance_path))
    return CliRunner().invoke(main, ["records", "verify"])


def test_verify_names_a_registered_document_altered_behind_the_applications_back(
        services: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _falun_case(services)
    rows = _register(services, case_id)
    assert len(rows) >= 3
    intact = _verify(services, monkeypatch)
    assert intact.exit_code == 0 and f"{sum(1 for _ in rows)} registered documents checked: all intact" \
        in intact.output
    with behind_the_applications_back(services, "document_register") as conn:
        conn.execute(text("UPDATE document_register SET counterpart = 'Någon annan' WHERE id = :id"),
                     {"id": rows[1].id})
    result = _verify(services, monkeypatch)
    assert result.exit_code == 1
    with services.unit_of_work() as s:
        number = s.scalar(select(Case.registration_number).where(Case.id == case_id))
    assert (f"case {number} (id {case_id}): registered document {number}-{rows[1].number} (row {rows[1].id}, "
            f"{rows[1].kind}) was changed after it was written") in result.output
    assert "1 problems" in result.output


def test_verify_names_a_removed_document_and_a_file_changed_under_its_registration(
        services: Services, people: dict[str, User], api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _falun_case(services, steps=2)
    assert _upload(api, "org_a", case_id, "stadgar.pdf").status_code == 201
    assert _upload(api, "org_a", case_id, "budget.pdf").status_code == 201
    rows = _register(services, case_id)
    upload = next(r for r in rows if r.description == "stadgar.pdf")
    with behind_the_applications_back(services, "document_register") as conn:
        conn.execute(text("DELETE FROM document_register WHERE id = :id"), {"id": rows[0].id})
    with services.db.begin() as conn:  # the files are not the register: their rows can be changed
        conn.execute(text("UPDATE attachments SET sha256 = :sha WHERE id = :id"),
                     {"sha": "0" * 64, "id": upload.attachment_id})
    with services.unit_of_work() as s:
        found = {(f.number, f.problem) for f in records.verify(s).findings if f.register}
    assert found == {(rows[1].number, records.LINK_BROKEN), (upload.number, records.CONTENT_CHANGED)}
    output = _verify(services, monkeypatch).output
    assert "does not follow the document before it" in output
    assert "links to a file whose content is no longer the one registered" in output


def test_who_may_read_a_register(services: Services, people: dict[str, User], client: Any, api: Any) -> None:
    """Answers checked against the OpenAPI document: the case's organisation and its municipality's staff read
    the register; another organisation and another municipality's staff get 404, as for the case."""
    case_id = _falun_case(services, steps=2)
    assert _upload(api, "org_a", case_id, "stadgar.pdf").status_code == 201
    doc = client.get("/api/v1/openapi.json").get_json()
    seen: set[str] = set()
    url = f"/api/v1/cases/{case_id}/documents"
    for username in ("org_a", "officer", "lawyer", "admin"):
        answer = Checked(client, username, doc, seen).get(url)
        assert answer.status_code == 200, username
        assert answer.get_json()["items"]
    for username in ("org_b", "other_officer"):  # another organisation, another municipality's staff
        assert Checked(client, username, doc, seen).get(url).status_code == 404, username
    officer = Checked(client, "officer", doc, seen)
    assert officer.get("/api/v1/cases/999999/documents").status_code == 404
    assert officer.get("/api/v1/cases/x/documents").status_code == 404
    assert client.get(url).status_code == 401
    assert {"GET /cases/{case_id}/documents 200", "GET /cases/{case_id}/documents 404"} <= seen


def test_a_diagram_naming_an_unknown_document_kind_is_refused() -> None:
    files = bundle_from_directory(PROCESSES / "falun_initiative.bpmn")
    name = next(n for n in files if n.endswith(".bpmn"))
    files[name] = files[name].replace('name="registerAs" value="decision"', 'name="registerAs" value="beslut"')
    problems = validate_bundle(files, operations=registry())
    assert [(p.code, p.element_id) for p in problems] == [("register_as_unknown", "department_decision")]
    assert "registerAs 'beslut' is not a kind of document" in str(problems[0])


def test_a_case_that_passed_a_registering_task_may_move_to_a_version_that_words_it_otherwise(
        services: Services, people: dict[str, User]) -> None:
    """`registerAs` says what the register does after a completion, not what the case did: a case that passed
    `initiative` (registerAs="document" here; the fixture's version 2 has no registerAs) stays eligible."""
    case_id = start_case(services, "legal_assessment")
    with services.unit_of_work() as s:
        v2, _ = services.engine.deploy(s, v2_files())
        case = s.get(Case, case_id)
        assert case is not None
        record, _ = migration.migrate_case(s, services.engine, case, v2, None, "test")
        assert (record.from_version, record.to_version) == (1, 2)


def test_the_organisations_step_is_received_from_it_also_when_the_system_completes_it(
        services: Services, people: dict[str, User]) -> None:
    """The direction follows the step's lane: the simulation and the case driver complete steps without a user."""
    driver = CaseDriver.start(services, "falun", ORG_A)
    for name, _who, data in falun_steps.HAPPY_PATH[:3]:
        driver.complete(name, data)  # no user
    rows = [(str(r.kind), str(r.direction), r.counterpart, r.description) for r in _register(services, driver.case_id)
            if r.kind != "mail"]
    assert rows == [("document", "incoming", "Föreningen Gemenskap", "Skicka in initiativet"),
                    ("document", "internal", "Falu kommun", "Bedöm om IOP är rätt avtalsform")]
