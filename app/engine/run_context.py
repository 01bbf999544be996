"""Which case the engine is running, for service handlers that keep state outside the workflow.

The engine binds the session and the case around every run of a workflow (start, task completion,
message, timer firing). A handler that owns domain rows (the agreement store,
app/domain/agreements/store.py) reads them here: it then works in the same transaction as the
workflow step, so a rollback undoes both and the case's version column guards both against a
concurrent writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.errors import ScriptFailure

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models import Case


@dataclass(frozen=True)
class CaseRun:
    session: Session
    case: Case


_current: ContextVar[CaseRun | None] = ContextVar("iop_case_run", default=None)


@contextmanager
def case_run(session: Session, case: Case) -> Iterator[CaseRun]:
    run = CaseRun(session, case)
    token = _current.set(run)
    try:
        yield run
    finally:
        _current.reset(token)


def current_run() -> CaseRun:
    run = _current.get()
    if run is None:
        raise ScriptFailure("this operation needs a running case (the engine binds one around every step)")
    return run
