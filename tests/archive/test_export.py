"""`iop archive export`: the package of a finished Falun case and of a Stenungsund agreement validate against
the official E-ARK CITS ERMS v3 schema (vendored unchanged; FGS Ärendehantering 2.0 applies it), an invalid
document is refused by it, every checksum matches, the history's seals can be recomputed from the package,
and a case whose history was altered is refused. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is
set."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select, text

from app.core.history_chain import GENESIS, entry_hash
from app.domain.archive.schema import NAMESPACE, SCHEMA_PATH, SCHEMATRON_PATH, schema_errors
from app.domain.attachments import Upload, store_upload
from app.models import Case, CaseEvent, User
from app.models.archive import ArchiveExport
from app.services import Services
from tests import falun_steps
from tests.archive.helpers import PDF, falun_case, iop
from tests.records.tampering import behind_the_applications_back
from tests.stenungsund import steps as stenungsund

NS = {"e": NAMESPACE}
MEMO = b"%PDF-1.4\n% Tjansteskrivelse\n1 0 obj << >> endobj\n%%EOF\n"
CASE = "e:aggregations/e:aggregation"
# as published in github.com/DILCISBoard/CITS-ERMS, commit fcfdc6f (schema 3.0.2, Schematron rules 3.0.0)
PUBLISHED_SHA256 = {"ERMS_v3.xsd": "df37b271cb27f70187004cfec7454c8bb4c39e1735759e1f9ad5dd309ee27a2f",
                    "erms_v3.sch": "7056014e4d2a91e441fd3a64cae59f8006b185cc6470790028b9c98bee3b4004"}


def _validate(package: Path) -> etree._Element:
    """metadata.xml against the official ERMS schema as a reader of the package would: with the package's own
    copy (the vendored file, unchanged from the published one); and against the official Schematron rules."""
    for published in (SCHEMA_PATH, SCHEMATRON_PATH):
        carried = (package / "schema" / published.name).read_bytes()
        assert carried == published.read_bytes()
        assert hashlib.sha256(carried).hexdigest() == PUBLISHED_SHA256[published.name]
    schema = etree.XMLSchema(etree.parse(str(package / "schema" / SCHEMA_PATH.name)))
    document = etree.parse(str(package / "metadata.xml"))
    assert schema.validate(document), schema.error_log
    assert schema_errors((package / "metadata.xml").read_bytes()) == []  # the schema and the Schematron rules
    return document.getroot()


def _checksums_match(package: Path) -> dict[str, str]:
    listed = {}
    for line in (package / "checksums.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
        assert hashlib.sha256((package / name).read_bytes()).hexdigest() == digest, name
    on_disk = {str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"checksums.sha256"}
    return listed


def _seals_recompute(package: Path, case_id: int) -> list[dict]:  # type: ignore[type-arg]
    entries = json.loads((package / "history" / "history.json").read_text(encoding="utf-8"))["entries"]
    tail = GENESIS
    for entry in entries:
        assert entry["prev_hash"] == tail
        assert entry_hash(tail, case_id=case_id, at=datetime.fromisoformat(entry["at"]), actor_id=entry["actor_id"],
                          actor_name=entry["actor_name"], kind=entry["kind"], task_name=entry["task_name"],
                          title=entry["title"], data=entry["data"]) == entry["hash"]
        tail = entry["hash"]
    return entries  # type: ignore[no-any-return]


def _one(root: etree._Element, path: str) -> str:
    [found] = root.xpath(path, namespaces=NS)
    return str(found)


def _own(parent: etree._Element, name: str) -> str:
    """The value of the ownElement `name` directly under `parent`'s ownElements."""
    [value] = parent.xpath(f".//e:ownElement[@name='{name}']/e:value", namespaces=NS)
    return value.text or ""


def _file_checksums(parent: etree._Element) -> dict[str, str]:
    """path -> SHA-256 from the files' ownElement in `parent`'s additionalInformation."""
    files = parent.xpath("e:additionalInformation/e:ownElement/e:ownElement[@name='file']", namespaces=NS)
    return {_own(f, "path"): _own(f, "checksum") for f in files}


def test_a_finished_falun_case_makes_a_valid_verifiable_package(
        services: Services, people: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = falun_case(services)
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "completed"
        number = case.registration_number
        store_upload(s, services.clock, case, s.get(User, people["officer"].id), "attachments",
                     Upload("tjänsteskrivelse.pdf", MEMO))  # drawn up by the municipality's staff
        events = len(list(s.scalars(select(CaseEvent.id).where(CaseEvent.case_id == case_id))))
    result = iop(services, monkeypatch, "archive", "export", "--case", number, "--municipality", "falun",
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    package = tmp_path / "out" / "falun_KS_2026_0001"
    assert f"case {number} (id {case_id}): " in result.output and "1 packages written" in result.output
    root = _validate(package)
    listed = _checksums_match(package)
    assert _one(root, "e:control/e:identification[@identificationType='iopArchivePackage']/text()") == package.name
    assert _one(root, "e:control/e:maintenanceInformation/e:maintenanceAgency/e:agencyName/text()") == "Falu kommun"
    assert _one(root, f"{CASE}/@aggregationType") == "caseFile"
    assert _one(root, f"{CASE}/e:objectId/text()") == number
    assert _one(root, f"{CASE}/e:status/@value") == "closed"
    assert _one(root, f"{CASE}/e:dates/e:date[@dateType='closed']/text()").startswith("2026-11-23T")
    assert _one(root, f"{CASE}/e:agents/e:agent[@agentType='creator']/e:name/text()") == "Falu kommun"
    assert _one(root, f"{CASE}/e:agents/e:agent[@agentType='counterpart']/e:idNumber/text()") == "8024000005"
    assert _one(root, f"{CASE}/e:disposal/@disposable") == "false"  # no retention rule: kept forever
    actions = root.xpath(f"{CASE}/e:action", namespaces=NS)
    assert len(actions) == events  # each history entry, in order
    entries = _seals_recompute(package, case_id)
    assert len(entries) == events
    assert [a.xpath("e:actionType/text()", namespaces=NS)[0] for a in actions] == [e["kind"] for e in entries]
    done = [a for a in actions if a.xpath("e:actionType/text()", namespaces=NS) == ["task_completed"]]
    assert {a.xpath("e:agents/e:agent/@agentType", namespaces=NS)[0] for a in done} == {"agent"}
    seals = root.xpath(f"{CASE}/e:additionalInformation/e:ownElement/e:ownElement[@name='historyEntry']",
                       namespaces=NS)
    assert [(_own(s, "hash"), _own(s, "prevHash")) for s in seals] == [(e["hash"], e["prev_hash"]) for e in entries]
    assert _own(root.xpath(f"{CASE}/e:additionalInformation", namespaces=NS)[0], "historyHead") == entries[-1]["hash"]
    record, memo = root.xpath(f"{CASE}/e:record", namespaces=NS)
    assert record.xpath("e:direction/@directionDefinition", namespaces=NS) == ["incoming"]
    assert memo.xpath("e:direction/@otherDirectionDefinition", namespaces=NS) == ["upprättad"]
    assert memo.xpath("e:agents/e:agent[@agentType='creator']/e:name/text()", namespaces=NS) == \
        [people["officer"].display_name or "officer"]
    assert _file_checksums(memo) == {"documents/002-tj_nsteskrivelse.pdf": hashlib.sha256(MEMO).hexdigest()}
    [document] = record.xpath("e:additionalInformation/e:appendix[@name='verksamhetsplan 2027.pdf']", namespaces=NS)
    assert (package / document.get("path")).read_bytes() == PDF
    assert _file_checksums(record)[document.get("path")] == hashlib.sha256(PDF).hexdigest() \
        == listed[document.get("path")]
    history_files = _file_checksums(root.xpath(CASE, namespaces=NS)[0])
    assert set(history_files) == {"history/history.json", "history/history.txt"}
    assert all(listed[path] == digest for path, digest in history_files.items())
    assert "task_completed [final_review]" in (package / "history" / "history.txt").read_text(encoding="utf-8")
    register = json.loads((package / "register" / "register.json").read_text(encoding="utf-8"))["documents"]
    assert register[-1]["description"] == "tjänsteskrivelse.pdf" and register[-1]["direction"] == "internal"
    assert [r["reference"] for r in register] == [f"{number}-{n}" for n in range(1, len(register) + 1)]
    assert [r["prev_hash"] for r in register[1:]] == [r["hash"] for r in register[:-1]]  # the chain, as sealed
    assert "register/register.json" in listed
    with services.unit_of_work() as s:
        [row] = s.scalars(select(ArchiveExport).where(ArchiveExport.case_id == case_id))
        assert row.history_head == entries[-1]["hash"] and row.history_entries == events and row.documents == 2
        assert row.checksums_sha256 == hashlib.sha256((package / "checksums.sha256").read_bytes()).hexdigest()


def test_a_stenungsund_agreement_makes_a_valid_package(
        services: Services, people: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = stenungsund.to_decision(services)
    stenungsund.advance(services, "2026-01-01")
    stenungsund.complete(services, case_id, "pay", stenungsund.PAYMENT)
    running = iop(services, monkeypatch, "archive", "export", "--case", str(case_id), "--out", str(tmp_path / "a"))
    assert running.exit_code == 0, running.output
    [package] = (tmp_path / "a").iterdir()
    root = _validate(package)
    assert _one(root, f"{CASE}/e:status/@value") == "in_progress"  # the agreement runs
    assert not root.xpath(f"{CASE}/e:dates/e:date[@dateType='closed']", namespaces=NS)
    stenungsund.terminate(services, case_id, "2026-06-30", "Verksamheten upphör.")
    claim = stenungsund.agreement(services, case_id).claim
    assert claim is not None
    stenungsund.complete(services, case_id, "record_repayment",
                         {"repaid_sek": claim.amount_sek, "received_on": "2026-07-15"})
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        status, party = case.status, case.organisation.name
    rule = iop(services, monkeypatch, "archive", "retention", "--municipality", "stenungsund",
               "--process", "stenungsund_agreement", "--years", "10")
    assert rule.exit_code == 0, rule.output
    result = iop(services, monkeypatch, "archive", "export", "--case", str(case_id), "--out", str(tmp_path / "b"))
    assert result.exit_code == 0, result.output
    [package] = (tmp_path / "b").iterdir()
    root = _validate(package)
    _checksums_match(package)
    _seals_recompute(package, case_id)
    assert _one(root, f"{CASE}/e:agents/e:agent[@agentType='creator']/e:name/text()") == "Stenungsunds kommun"
    assert _one(root, f"{CASE}/e:agents/e:agent[@agentType='counterpart']/e:name/text()") == party
    assert (status, _one(root, f"{CASE}/e:status/@value")) == ("completed", "closed")
    extra = root.xpath(f"{CASE}/e:additionalInformation", namespaces=NS)[0]
    assert _own(extra, "processId") == "stenungsund_agreement"
    closed = _one(root, f"{CASE}/e:dates/e:date[@dateType='closed']/text()")[:10]
    assert _one(root, f"{CASE}/e:disposal/@disposable") == "true"
    assert _one(root, f"{CASE}/e:disposal/e:disposalPeriod/text()") == "10 år efter ärendets avslut"
    start = _one(root, f"{CASE}/e:disposal/e:dates/e:disposalDate[@dateType='retention_period_start']/text()")
    due = _one(root, f"{CASE}/e:disposal/e:dates/e:disposalDate[@dateType='action_due']/text()")
    assert start[:10] == closed and due[:10] == f"{int(closed[:4]) + 10}{closed[4:]}"
    steps = root.xpath(f"{CASE}/e:action/e:actionText/text()", namespaces=NS)
    assert {"board_decision", "pay", "record_repayment"} <= {s.split("(steg: ")[-1].rstrip(")") for s in steps
                                                             if "(steg: " in s}


def test_the_official_schema_and_rules_refuse_an_invalid_document(
        services: Services, people: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = falun_case(services)
    result = iop(services, monkeypatch, "archive", "export", "--case", str(case_id), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    metadata = (tmp_path / "falun_KS_2026_0001" / "metadata.xml").read_bytes()
    assert schema_errors(metadata) == []
    root = etree.fromstring(metadata)
    root.xpath(f"{CASE}/e:status", namespaces=NS)[0].set("value", "finished")  # not in ERMS's list
    [missing_id] = root.xpath(f"{CASE}/e:record/e:objectId", namespaces=NS)
    missing_id.getparent().remove(missing_id)
    errors = schema_errors(etree.tostring(root))
    assert any("'finished' is not an element of the set" in e for e in errors), errors
    assert any("objectId" in e for e in errors), errors
    # valid for the XSD, refused by ERMS's Schematron rules: agentType "other" without saying which
    tree = etree.fromstring(metadata)
    tree.xpath("e:control//e:agent", namespaces=NS)[0].set("agentType", "other")
    [rule] = schema_errors(etree.tostring(tree))  # without the XML declaration: the agent is on line 13
    assert rule == "line 13: If the value of an agentType attribute is \"other', then the otherAgentType " \
                   "attribute must be used.", rule
    assert schema_errors(b"<erms><control/>")[0].startswith("not well-formed XML")
    old_namespace = b'<Leveransobjekt xmlns="http://xml.ra.se/e-arkiv/FGS-ERMS"/>'
    assert "No matching global declaration" in schema_errors(old_namespace)[0]


def test_finished_exports_every_finished_case_of_the_municipality(
        services: Services, people: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    finished = falun_case(services)
    falun_case(services, steps=[])  # still running: not exported
    result = iop(services, monkeypatch, "archive", "export", "--finished", "--municipality", "falun",
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["falun_KS_2026_0001"]
    assert f"(id {finished})" in result.output
    again = iop(services, monkeypatch, "archive", "export", "--finished", "--municipality", "falun",
                "--out", str(tmp_path / "out"))
    assert again.exit_code == 1 and "already exists" in again.output


def test_closed_before_exports_the_cases_closed_before_a_stockholm_day(
        services: Services, people: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong_form = falun_steps.HAPPY_PATH[:2] + [("legal_assessment", "lawyer", falun_steps.LEGAL_WRONG)]
    # 00:30 in Stockholm on 1 December (23:30 UTC on 30 November): closed on 1 December
    falun_case(services, wrong_form, closing_at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    nothing = iop(services, monkeypatch, "archive", "export", "--closed-before", "2026-12-01",
                  "--out", str(tmp_path / "a"))
    assert nothing.exit_code == 0 and "0 packages written" in nothing.output
    one = iop(services, monkeypatch, "archive", "export", "--closed-before", "2026-12-02",
              "--out", str(tmp_path / "b"))
    assert one.exit_code == 0 and "1 packages written" in one.output


def test_a_case_whose_history_was_altered_is_refused(
        services: Services, people: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = falun_case(services)
    with services.unit_of_work() as s:
        second = s.scalars(select(CaseEvent.id).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)).all()[1]
    with behind_the_applications_back(services, "case_events") as conn:
        conn.execute(text("UPDATE case_events SET title = 'Ändrad i efterhand' WHERE id = :id"), {"id": second})
    result = iop(services, monkeypatch, "archive", "export", "--case", str(case_id), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"its history does not verify (entry {second} " in result.output and "altered" in result.output
    assert not (tmp_path / "out").exists()
    with services.unit_of_work() as s:
        assert s.scalar(select(ArchiveExport.id)) is None


def test_bad_arguments_get_a_clear_message(
        services: Services, people: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for args, message in [((), "give one of --case, --finished (with --municipality) or --closed-before"),
                          (("--case", "1", "--finished"), "give one of"),
                          (("--closed-before", "2026-13-01"), "--closed-before must be a date"),
                          (("--finished",), "--finished needs --municipality"),
                          (("--case", "KS 1999/0001"), "there is no case 'KS 1999/0001'"),
                          (("--finished", "--municipality", "atlantis"), "there is no municipality 'atlantis'")]:
        result = iop(services, monkeypatch, "archive", "export", *args, "--out", str(tmp_path))
        assert result.exit_code == 2 and message in result.output, result.output
