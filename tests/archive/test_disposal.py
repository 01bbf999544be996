"""Disposal only under a recorded decision and only after an archive package: `iop archive dispose` refuses
without either, then records who decided, under which reference and when, empties the documents, appends a
`case_disposed` entry to the sealed history (which stays whole) and leaves a tombstone. On SQLite, and on
PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain import records
from app.engine import history
from app.models import Attachment, CaseEvent, User
from app.models.archive import DisposalDecision, DisposedCase
from app.services import Services
from tests.archive.helpers import PDF, falun_case, iop
from tests.archive.test_retention import WRONG_FORM

CLOSED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
AFTER_DUE = datetime(2029, 1, 2, 9, 0, tzinfo=UTC)  # two years after closing, and a month more
DECISION = ("--decision-ref", "Delegationsbeslut KS 2029/12 § 4", "--decided-by", "Arkivansvarig Eva Berg",
            "--decided-on", "2029-01-02")


def _due_case(services: Services, monkeypatch: pytest.MonkeyPatch) -> int:
    assert iop(services, monkeypatch, "archive", "retention", "--municipality", "falun",
               "--process", "falun_initiative", "--years", "2").exit_code == 0
    return falun_case(services, WRONG_FORM, closing_at=CLOSED)


def _dispose(services: Services, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    result = iop(services, monkeypatch, "archive", "dispose", "--municipality", "falun", *args, now=AFTER_DUE)
    return f"{result.exit_code}: {result.output}"


def _nothing_disposed(services: Services, case_id: int) -> None:
    with services.unit_of_work() as s:
        assert s.scalar(select(DisposalDecision.id)) is None
        assert s.scalar(select(DisposedCase.id)) is None
        assert s.scalar(select(Attachment.content).where(Attachment.case_id == case_id)) == PDF


def test_disposal_refuses_without_a_decision_or_a_package(
        services: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    case_id = _due_case(services, monkeypatch)
    assert "Missing option '--decision-ref'" in _dispose(services, monkeypatch, "--decided-by", "Eva")
    assert "needs a recorded decision" in _dispose(services, monkeypatch, "--decision-ref", " ", "--decided-by", "Eva")
    refused = _dispose(services, monkeypatch, *DECISION)
    assert refused.startswith("1: ") and f"(id {case_id}) has no archive package" in refused
    future = _dispose(services, monkeypatch, *DECISION[:4], "--decided-on", "2029-02-01")
    assert "is in the future" in future
    _nothing_disposed(services, case_id)
    exported = iop(services, monkeypatch, "archive", "export", "--case", str(case_id), "--out", str(tmp_path / "p"))
    assert exported.exit_code == 0, exported.output
    with services.unit_of_work() as s:  # the history grows after the package: the package is not enough
        history.append(s, CaseEvent(case_id=case_id, at=services.clock.now(), actor_id=None, actor_name="",
                                    kind="note", task_name=None, title="Anteckning", data={}))
    assert "history grew after the last archive package" in _dispose(services, monkeypatch, *DECISION)
    _nothing_disposed(services, case_id)


def test_disposal_records_the_decision_empties_the_documents_and_keeps_the_history(
        services: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    case_id = _due_case(services, monkeypatch)
    not_due = falun_case(services, WRONG_FORM[:2])
    exported = iop(services, monkeypatch, "archive", "export", "--case", str(case_id), "--out", str(tmp_path / "p"))
    assert exported.exit_code == 0, exported.output
    assert "is not due for disposal" in _dispose(services, monkeypatch, *DECISION, "--case", str(not_due))
    done = _dispose(services, monkeypatch, *DECISION)
    assert done.startswith("0: ") and "1 documents emptied" in done and "recorded for 1 cases" in done
    with services.unit_of_work() as s:
        [decision] = s.scalars(select(DisposalDecision))
        assert (decision.decision_ref, decision.decided_by, decision.decided_on) == \
            ("Delegationsbeslut KS 2029/12 § 4", "Arkivansvarig Eva Berg", date(2029, 1, 2))
        assert decision.recorded_at == AFTER_DUE
        [tombstone] = decision.cases
        assert (tombstone.case_id, tombstone.closed_on, tombstone.due_on, tombstone.documents_removed) == \
            (case_id, date(2026, 12, 1), date(2028, 12, 1), 1)
        attachment = s.scalars(select(Attachment).where(Attachment.case_id == case_id)).one()
        assert attachment.content == b"" and attachment.filename == "verksamhetsplan 2027.pdf"
        last = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id.desc())).first()
        assert last is not None and last.kind == "case_disposed"
        assert last.data["decision_ref"] == "Delegationsbeslut KS 2029/12 § 4" and last.data["documents_removed"] == 1
        assert records.verify(s).intact  # nothing of the history was removed or changed
    assert "no case of falun is due" in _dispose(services, monkeypatch, *DECISION)
    again = iop(services, monkeypatch, "archive", "export", "--case", str(case_id), "--out", str(tmp_path / "q"))
    assert again.exit_code == 1 and "was disposed" in again.output
