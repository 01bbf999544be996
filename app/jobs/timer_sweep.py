"""Durable timers: due times live in the database (cases.next_timer_at); one sweep fires them.

``fire_due_timers`` selects the running cases whose next timer is due, earliest first, and wakes
them in batches, one transaction per batch: it claims the rows (PostgreSQL ``SELECT … FOR UPDATE
SKIP LOCKED``, so a second scheduler skips them and takes others; on SQLite the case's version
column makes a racing writer's flush fail), re-checks that they are still due, lets the engine fire
what is due in due order (``CaseEngine.wake``: one ``timer_fired`` event per firing, and a new
``next_timer_at``), and commits. Batching saves a commit (an fsync) per case; should any case of a
batch fail, the batch is rolled back and its cases are redone one per transaction, so the commit
is per case exactly when it matters.

A firing only exists once its transaction commits: a crash between firing and commit rolls the
firing back with everything else, and the next sweep fires it again, once. A case that fails is
logged, stops as failed with an ``incident`` event (app.engine.incidents: no automatic retry, an
administrator retries, skips or cancels) and does not stop the sweep.
After the timers the sweep queues due-date reminders (reminders.py) and retries undelivered mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core.errors import Conflict
from app.core.statuses import CaseStatus
from app.domain import guidelines
from app.engine import incidents
from app.engine.timer_state import Firing
from app.i18n import translate
from app.jobs.reminders import send_due_reminders
from app.models import Case
from app.notifications.guidelines import tell_process_owners
from app.services import Services

log = logging.getLogger("app.engine.timers")  # the name operators filter on (docs/operations.md)
CHUNK = 500
BATCH = 50

OnFired = Callable[[Session, Case, list[Firing]], None]


def fire_due_timers(services: Services, limit: int | None = None, *, on_fired: OnFired | None = None,
                    mail: bool = True, batch: int = BATCH, shard: tuple[int, int] | None = None) -> int:
    """Fire every due timer (at most `limit` cases); return the number of timer firings committed.

    Cases are woken `batch` at a time in one transaction; if any case of a batch fails, nothing of
    the batch is kept and its cases are redone one per transaction, so a broken case only costs
    itself. `on_fired` runs inside the transaction after each case fired (a test seam: raising
    there is a crash before commit). `shard=(k, n)` takes only cases with id % n == k, so that n
    scheduler processes can split the work without racing for the same cases (useful on SQLite,
    which has no SKIP LOCKED; correctness never depends on it)."""
    now = services.clock.now()
    fired = 0
    woken = 0
    passed: set[int] = set()
    while limit is None or woken < limit:
        ids = _due_case_ids(services, now, passed, CHUNK if limit is None else min(CHUNK, limit - woken), shard)
        if not ids:
            break
        for offset in range(0, len(ids), max(1, batch)):
            group = ids[offset:offset + max(1, batch)]
            woken += len(group)
            outcome = _fire_group(services, group, now, on_fired) if len(group) > 1 else None
            if outcome is None:  # one case per transaction
                outcome = {}
                for case_id in group:
                    outcome.update(_fire_group(services, [case_id], now, on_fired, alone=True) or {})
            for case_id, (count, stuck) in outcome.items():
                fired += count
                if stuck:
                    passed.add(case_id)
            passed.update(set(group) - set(outcome))  # claimed elsewhere or no longer due
    if mail:
        _mail(services, now)
    return fired


def _due_case_ids(services: Services, now: datetime, passed: set[int], size: int,
                  shard: tuple[int, int] | None) -> list[int]:
    with services.session_factory() as session:
        # `status || ''` keeps the planner off the status indexes: SQLite would otherwise pick an index
        # on status (every running case matches) and sort all running cases on every sweep, instead of
        # reading the few due ones in order from ix_cases_next_timer_at (done cases have no next timer)
        query = (select(Case.id).where((Case.status + "") == CaseStatus.RUNNING, Case.next_timer_at <= now)
                 .order_by(Case.next_timer_at, Case.id).limit(size))
        if shard is not None:
            query = query.where(Case.id % shard[1] == shard[0])
        if passed:
            query = query.where(Case.id.not_in(passed))
        return list(session.scalars(query))


def _fire_group(services: Services, ids: list[int], now: datetime, on_fired: OnFired | None,
                alone: bool = False) -> dict[int, tuple[int, bool]] | None:
    """Wake the cases `ids` in one transaction: {case id: (firings, still due yet nothing fired)}.

    None: the group failed as a whole (retry one by one). Alone, a failure is the case's own."""
    results: dict[int, tuple[int, bool]] = {}
    logged: list[tuple[int, str, Firing]] = []  # case id, registration number, firing: one log line each
    try:
        with services.unit_of_work() as session:
            query = (select(Case).where(Case.id.in_(ids), Case.status == CaseStatus.RUNNING, Case.next_timer_at <= now)
                     .order_by(Case.next_timer_at, Case.id))
            if services.db.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True, of=Case)  # another scheduler's cases are skipped
            # no write before the batch's last step: on SQLite the first write takes the database's one
            # write lock until commit, so a second scheduler process could not write meanwhile
            with session.no_autoflush:
                for case in session.scalars(query).all():
                    firings = services.engine.wake(session, case, until=now, flush=alone)
                    if on_fired is not None:
                        on_fired(session, case, firings)
                    still_due = case.next_timer_at is not None and case.next_timer_at <= now
                    results[case.id] = (len(firings), still_due and not firings)
                    logged.extend((case.id, case.registration_number, f) for f in firings)
            session.flush()
    except (Conflict, OperationalError) as exc:
        if not alone:
            return None
        log.info("case %s changed under the sweep (%s); the next sweep looks again", ids[0], type(exc).__name__)
        return {}
    except Exception as exc:  # noqa: BLE001 - one broken case must not stop the others
        if not alone:
            return None
        log.exception("timer sweep: case %s failed", ids[0])
        _incident(services, ids[0], now, exc)
        return {}
    for case_id, registration_number, firing in logged:  # one line per firing (docs/operations.md)
        log.info("case %s: timer %s (due %s) fired", case_id, firing.bpmn_id, firing.due,
                 extra={"fields": {"event": "timer_fired", "case_id": case_id,
                                   "registration_number": registration_number, "timer": firing.bpmn_id,
                                   "due": firing.due.isoformat() if firing.due else None}})
    return results


def _incident(services: Services, case_id: int, now: datetime, exc: Exception) -> None:
    """A wake that failed outside the diagram (the engine stops diagram failures itself): the case
    stops as failed with an incident, and waits for an administrator (app.engine.incidents)."""
    try:
        with services.unit_of_work() as session:
            case = session.get(Case, case_id)
            if case is None:
                return
            incident = incidents.Incident(None, translate("incident.timer.step"), incidents.WAKE,
                                          f"{type(exc).__name__}: {exc}"[:4000])
            incidents.mark_failed(services.engine, services.engine.step(session, case), incident)
            case.next_timer_at = None
    except Exception:  # noqa: BLE001 - the log above keeps the error
        log.exception("could not record the incident of case %s", case_id)


def _mail(services: Services, now: datetime) -> None:
    try:
        send_due_reminders(services.session_factory, services.outbox, services.clock, now)
        guidelines.open_due_reviews(services.session_factory, services.clock,
                                    partial(tell_process_owners, services.outbox))
        services.outbox.deliver(services.session_factory)
    except Exception:  # noqa: BLE001 - mail problems must not stop timers
        log.exception("sending reminders, opening guideline reviews or retrying mail failed")
