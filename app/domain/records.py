"""Checking the sealed history and document registers (`iop records verify`): every entry recomputed, every link
followed.

Each case's entries are read in id order (the order they were appended) and three things are reported per
entry: `altered` (its hash does not match its content and stored link: a field was changed behind the
application's back), `link_broken` (its link is not the previous entry's hash: an entry before it was
removed, inserted or re-sealed) and `unsealed` (no hash: written around app.engine.history.append). The
database's triggers refuse changes and deletions in the first place (migration 0026); this finds what was
done with them off. Entries removed from the end of a case's history leave no broken link: the triggers are
what guard the newest entry.

The document register (app/models/register.py, sealed by app.domain.register) is checked the same way, row by
row per case in number order, with one more problem: `content_changed`, a linked stored file whose SHA-256 is
no longer the digest registered with it. Its findings have `register` set and name the row's number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session

from app.core.history_chain import GENESIS
from app.domain import register
from app.engine import history
from app.models import Attachment, Case, CaseEvent, RegisteredDocument

BATCH = 5000
ALTERED = "altered"
LINK_BROKEN = "link_broken"
UNSEALED = "unsealed"
CONTENT_CHANGED = "content_changed"


@dataclass(frozen=True)
class Finding:
    case_id: int
    registration_number: str
    event_id: int
    kind: str  # the entry's kind (task_completed, incident, ...)
    problem: str  # ALTERED, LINK_BROKEN, UNSEALED (or CONTENT_CHANGED for a register row)
    register: bool = False  # a row of the document register (event_id is its id, kind its document kind)
    number: int | None = None  # the register row's number within its case


@dataclass
class Verification:
    cases: int = 0
    entries: int = 0
    documents: int = 0  # register rows checked
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings


def verify(session: Session) -> Verification:
    result = Verification()
    numbers: dict[int, str] = {}
    previous_case, tail = None, GENESIS
    for entry in _entries(session):
        if entry.case_id != previous_case:
            result.cases += 1
            previous_case, tail = entry.case_id, GENESIS
        result.entries += 1
        problem = _problem(entry, tail)
        if problem:
            if entry.case_id not in numbers:
                numbers[entry.case_id] = session.scalar(
                    select(Case.registration_number).where(Case.id == entry.case_id)) or ""
            result.findings.append(Finding(entry.case_id, numbers[entry.case_id], entry.id, entry.kind, problem))
        tail = entry.hash or ""
    _verify_register(session, result, numbers)
    return result


def verify_case(session: Session, case_id: int) -> list[Finding]:
    """The findings of one case's history and document register (empty: intact), as `verify` reports them (the
    archive export)."""
    number = session.scalar(select(Case.registration_number).where(Case.id == case_id)) or ""
    findings, tail = [], GENESIS
    for entry in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)):
        problem = _problem(entry, tail)
        if problem:
            findings.append(Finding(case_id, number, entry.id, entry.kind, problem))
        tail = entry.hash or ""
    tail = GENESIS
    for row, file_sha in session.execute(_register_query().where(RegisteredDocument.case_id == case_id)):
        problem = _register_problem(row, tail, file_sha)
        if problem:
            findings.append(Finding(case_id, number, row.id, str(row.kind), problem, register=True, number=row.number))
        tail = row.hash or ""
    return findings


def _verify_register(session: Session, result: Verification, numbers: dict[int, str]) -> None:
    previous_case, tail = None, GENESIS
    for row, file_sha in _register_rows(session):
        if row.case_id != previous_case:
            previous_case, tail = row.case_id, GENESIS
        result.documents += 1
        problem = _register_problem(row, tail, file_sha)
        if problem:
            if row.case_id not in numbers:
                numbers[row.case_id] = session.scalar(
                    select(Case.registration_number).where(Case.id == row.case_id)) or ""
            result.findings.append(Finding(row.case_id, numbers[row.case_id], row.id, str(row.kind), problem,
                                           register=True, number=row.number))
        tail = row.hash or ""


def _register_problem(row: RegisteredDocument, tail: str, file_sha: str | None) -> str | None:
    if row.hash is None:
        return UNSEALED
    if register.seal(row.prev_hash or "", row) != row.hash:
        return ALTERED
    if (row.prev_hash or "") != tail:
        return LINK_BROKEN
    if file_sha is not None and file_sha != row.digest:
        return CONTENT_CHANGED
    return None


def _register_query() -> Select[RegisteredDocument, str]:
    """Register rows with their linked file's SHA-256 (None: no file), per case in number order."""
    return (select(RegisteredDocument, Attachment.sha256)
            .outerjoin(Attachment, Attachment.id == RegisteredDocument.attachment_id)
            .order_by(RegisteredDocument.case_id, RegisteredDocument.number))


def _register_rows(session: Session) -> Iterator[tuple[RegisteredDocument, str | None]]:
    """Every register row with its linked file's SHA-256, per case in number order, in batches."""
    last_case, last_number = -1, -1
    while True:
        batch = list(session.execute(
            _register_query().where(tuple_(RegisteredDocument.case_id, RegisteredDocument.number)
                                    > tuple_(last_case, last_number)).limit(BATCH)))
        if not batch:
            return
        yield from ((row, file_sha) for row, file_sha in batch)
        last_case, last_number = batch[-1][0].case_id, batch[-1][0].number
        session.expunge_all()


def _problem(entry: CaseEvent, tail: str) -> str | None:
    if entry.hash is None:
        return UNSEALED
    if history.seal(entry.prev_hash or "", entry) != entry.hash:
        return ALTERED
    if (entry.prev_hash or "") != tail:
        return LINK_BROKEN
    return None


def _entries(session: Session) -> Iterator[CaseEvent]:
    """Every entry, per case in id order, in batches (the session forgets each batch after it)."""
    last_case, last_id = -1, -1
    while True:
        batch = list(session.scalars(
            select(CaseEvent).where(tuple_(CaseEvent.case_id, CaseEvent.id) > tuple_(last_case, last_id))
            .order_by(CaseEvent.case_id, CaseEvent.id).limit(BATCH)))
        if not batch:
            return
        yield from batch
        last_case, last_id = batch[-1].case_id, batch[-1].id
        session.expunge_all()
