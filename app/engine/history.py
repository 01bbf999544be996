"""Appending to a case's history: every entry is sealed to the one before it (app.core.history_chain).

Every place that records a history entry (the engine's steps and migrations, the task actions, the
administrator's repairs, late renewals) adds it through `append`, which sets its `prev_hash` and `hash`. The
database refuses to change or delete an entry (triggers from migration 0026 on SQLite and PostgreSQL).

The previous entry is the case's newest: read once per case and transaction (on PostgreSQL after locking the
case's row, so two transactions writing to one case take turns instead of both linking to the same entry),
then kept in the session for the entries that follow in the same transaction. Entries are inserted in the
order they are appended (the unit of work keeps the order of `add`), so their ids follow the chain.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.history_chain import GENESIS, entry_hash
from app.models import Case, CaseEvent

_TAILS = "history_tails"  # session.info: (the transaction, case id → hash of its newest entry in it)


def append(session: Session, entry: CaseEvent) -> CaseEvent:
    """Seal `entry` to its case's newest entry and add it to the session."""
    tails = _tails(session)
    previous = tails.get(entry.case_id)
    if previous is None:
        previous = _stored_tail(session, entry.case_id)
    entry.prev_hash = previous
    entry.hash = seal(previous, entry)
    tails[entry.case_id] = entry.hash
    session.add(entry)
    return entry


def seal(previous: str, entry: CaseEvent) -> str:
    return entry_hash(previous, case_id=entry.case_id, at=entry.at, actor_id=entry.actor_id,
                      actor_name=entry.actor_name, kind=entry.kind, task_name=entry.task_name, title=entry.title,
                      data=_as_stored(entry.data))


def _tails(session: Session) -> dict[int, str]:
    """The tails known in the session's current transaction (a new transaction reads them again: another
    may have written in between)."""
    session.connection()  # begins the transaction if none has begun yet, so that it is the one keyed here
    transaction = session.get_transaction()
    kept = session.info.get(_TAILS)
    if kept is None or kept[0] is not transaction:
        kept = session.info[_TAILS] = (transaction, {})
    tails: dict[int, str] = kept[1]
    return tails


def _stored_tail(session: Session, case_id: int) -> str:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
    with session.no_autoflush:
        found = session.scalar(select(CaseEvent.hash).where(CaseEvent.case_id == case_id)
                               .order_by(CaseEvent.id.desc()).limit(1))
    return found or GENESIS


def _as_stored(data: Any) -> Any:
    """The data as the database will hand it back (JSON): tuples become lists, keys strings."""
    return json.loads(json.dumps(data if data is not None else {}, default=str))
