"""Checking the sealed history (`iop records verify`): every entry recomputed, every link followed.

Each case's entries are read in id order (the order they were appended) and three things are reported per
entry: `altered` (its hash does not match its content and stored link: a field was changed behind the
application's back), `link_broken` (its link is not the previous entry's hash: an entry before it was
removed, inserted or re-sealed) and `unsealed` (no hash: written around app.engine.history.append). The
database's triggers refuse changes and deletions in the first place (migration 0026); this finds what was
done with them off. Entries removed from the end of a case's history leave no broken link: the triggers are
what guard the newest entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from app.core.history_chain import GENESIS
from app.engine import history
from app.models import Case, CaseEvent

BATCH = 5000
ALTERED = "altered"
LINK_BROKEN = "link_broken"
UNSEALED = "unsealed"


@dataclass(frozen=True)
class Finding:
    case_id: int
    registration_number: str
    event_id: int
    kind: str  # the entry's kind (task_completed, incident, ...)
    problem: str  # ALTERED, LINK_BROKEN or UNSEALED


@dataclass
class Verification:
    cases: int = 0
    entries: int = 0
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
    return result


def verify_case(session: Session, case_id: int) -> list[Finding]:
    """The findings of one case's history (empty: intact), as `verify` reports them (the archive export)."""
    number = session.scalar(select(Case.registration_number).where(Case.id == case_id)) or ""
    findings, tail = [], GENESIS
    for entry in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)):
        problem = _problem(entry, tail)
        if problem:
            findings.append(Finding(case_id, number, entry.id, entry.kind, problem))
        tail = entry.hash or ""
    return findings


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
