"""The step context: what one engine operation on one case works with, handed explicitly to whoever needs it.

The engine builds one ``StepContext`` per operation (start, task completion, message, timer wake, repair)
and passes it to every service handler it calls (as the handler's first argument) and with every event it
announces (app/engine/events.py). A handler that keeps state of its own (the agreement store) works in
``session``, the transaction of the step, so a rollback undoes both and the case's version column guards
both against a concurrent writer; what it changed it leaves in ``staged`` for the listeners of
``CaseSaved`` (the agreement projection), under a name of its own. ``recorded`` collects the history
entries (CaseEvent rows) the step adds; ``CaseSaved`` hands them on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.models import Case, CaseEvent, User


@dataclass
class StepContext:
    session: Session
    case: Case
    clock: Clock
    actor: User | None = None
    staged: dict[str, Any] = field(default_factory=dict)  # what handlers changed, for the save's listeners
    recorded: list[CaseEvent] = field(default_factory=list)  # the history entries the step added so far
