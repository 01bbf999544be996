"""Disposal (gallring) of finished cases, only under a recorded decision and only after an archive package.

What disposal means here: for each case due under its municipality's retention rule (retention.py) and
exported with its whole current history (an `archive_exports` row whose history head is the case's newest
entry), the decision is recorded (`disposal_decisions`: who decided, the decision's reference such as a
delegation item or a board decision number, its date), the contents of the case's documents are removed
(each attachment row is kept, emptied: its name, size and SHA-256 still say what was disposed), a
`case_disposed` entry is appended to the sealed history, and a tombstone (`disposed_cases`) names the case,
the decision and the package that keeps it. The history itself is not removed: it is append-only in the
database (migration 0026), and removing it is left to the documented procedure in docs/operations.md
(triggers off under a recorded decision), never done by the application. One decision covers its cases
together: if any case may not be disposed, none is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import records
from app.domain.archive.retention import Retention, due_cases
from app.engine import history
from app.models import Attachment, Case, CaseEvent, Municipality
from app.models.archive import ArchiveExport, DisposalDecision, DisposedCase


class DisposalRefused(Exception):
    """The decision cannot be carried out; the message names each reason."""


@dataclass(frozen=True)
class Decision:
    decision_ref: str
    decided_by: str
    decided_on: date


def dispose(session: Session, municipality: Municipality, decision: Decision, today: date, now: datetime,
            case_ids: list[int] | None = None) -> DisposalDecision:
    """Carry out and record `decision` for the given cases (all due cases when None)."""
    if not decision.decision_ref.strip() or not decision.decided_by.strip():
        raise DisposalRefused("a disposal needs a recorded decision: its reference (--decision-ref) and who "
                              "decided (--decided-by)")
    if decision.decided_on > today:
        raise DisposalRefused(f"the decision's date {decision.decided_on} is in the future")
    due = {r.case_id: r for r in due_cases(session, municipality, today)}
    chosen = list(due) if case_ids is None else case_ids
    if not chosen:
        raise DisposalRefused(f"no case of {municipality.slug} is due for disposal on {today}")
    problems, exports = [], {}
    for case_id in chosen:
        problem, export = _check(session, case_id, due.get(case_id))
        if problem:
            problems.append(problem)
        elif export is not None:
            exports[case_id] = export
    if problems:
        raise DisposalRefused("; ".join(problems))
    row = DisposalDecision(municipality_id=municipality.id, decision_ref=decision.decision_ref.strip(),
                           decided_by=decision.decided_by.strip(), decided_on=decision.decided_on, recorded_at=now)
    session.add(row)
    session.flush()
    for case_id in chosen:
        _dispose_case(session, row, due[case_id], exports[case_id], now)
    session.flush()
    return row


def _check(session: Session, case_id: int, due: Retention | None) -> tuple[str | None, ArchiveExport | None]:
    case = session.get(Case, case_id)
    label = f"case {case.registration_number} (id {case_id})" if case else f"case id {case_id}"
    if case is None:
        return f"{label} does not exist", None
    if due is None:
        return f"{label} is not due for disposal (or was disposed already)", None
    if records.verify_case(session, case_id):
        return f"{label}: its history does not verify", None
    export = session.scalar(select(ArchiveExport).where(ArchiveExport.case_id == case_id)
                            .order_by(ArchiveExport.id.desc()).limit(1))
    if export is None:
        return f"{label} has no archive package: run `iop archive export --case {case_id}` first", None
    head = session.scalar(select(CaseEvent.hash).where(CaseEvent.case_id == case_id)
                          .order_by(CaseEvent.id.desc()).limit(1)) or ""
    if export.history_head != head:
        return f"{label}: its history grew after the last archive package: export it again", None
    return None, export


def _dispose_case(session: Session, decision: DisposalDecision, due: Retention, export: ArchiveExport,
                  now: datetime) -> None:
    removed = 0
    for attachment in session.scalars(select(Attachment).where(Attachment.case_id == due.case_id)):
        if attachment.content:
            attachment.content = b""
            removed += 1
    assert due.closed_on is not None and due.due_on is not None
    history.append(session, CaseEvent(
        case_id=due.case_id, at=now, actor_id=None, actor_name=decision.decided_by, kind="case_disposed",
        task_name=None, title="Gallrat enligt beslut",
        data={"decision_id": decision.id, "decision_ref": decision.decision_ref, "decided_by": decision.decided_by,
              "decided_on": decision.decided_on.isoformat(), "archive_export_id": export.id,
              "package_checksums_sha256": export.checksums_sha256, "documents_removed": removed}))
    session.add(DisposedCase(decision_id=decision.id, case_id=due.case_id, registration_number=due.registration_number,
                             title=due.title, closed_on=due.closed_on, due_on=due.due_on, export_id=export.id,
                             documents_removed=removed, disposed_at=now))
