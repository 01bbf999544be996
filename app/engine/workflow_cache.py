"""Live workflows kept in memory between calls, keyed by case id and committed version.

Deserializing a case costs more than the step a user takes. After a commit, the engine keeps the
workflow object it just saved; the next call on the same case takes it back if the database still
holds that version (another worker's change bumps the version, so a stale object is never used).
An object is handed out to one caller at a time (take removes it) and only returns to the cache
after its transaction committed; on rollback it is dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_STAGED = "iop_staged_workflows"
_LISTENING = "iop_workflow_cache_listening"


class WorkflowCache:
    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self._items: OrderedDict[int, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, case_id: int, version: int) -> Any | None:
        with self._lock:
            found = self._items.pop(case_id, None)
            if found is not None and found[0] == version:
                self.hits += 1
                return found[1]
            self.misses += 1
            return None

    def _put(self, case_id: int, version: int, workflow: Any) -> None:
        with self._lock:
            self._items[case_id] = (version, workflow)
            self._items.move_to_end(case_id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def discard(self, case_id: int) -> None:
        with self._lock:
            self._items.pop(case_id, None)

    def stage(self, session: Session, case: Any, workflow: Any) -> None:
        """Keep `workflow` for `case` once `session` commits (the case's version is read then)."""
        if not session.info.get(_LISTENING):
            # listeners stay for the session's life; they act only on what is staged
            event.listen(session, "after_commit", self._after_commit)
            event.listen(session, "after_soft_rollback", self._after_rollback)
            session.info[_LISTENING] = True
        session.info.setdefault(_STAGED, {})[case.id] = (case, workflow)

    def _after_commit(self, session: Session) -> None:
        staged = session.info.pop(_STAGED, {})
        for case_id, (case, workflow) in staged.items():
            version = case.__dict__.get("version")
            if isinstance(version, int):
                self._put(case_id, version, workflow)

    def _after_rollback(self, session: Session, _previous: Any) -> None:
        staged = session.info.pop(_STAGED, {})
        for case_id in staged:
            self.discard(case_id)
