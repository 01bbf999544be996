"""Due-date reminders: once per open task, N days before its due time (found by the timer sweep).

N is the municipality's setting ``reminder_days_before_due`` (default 2). Each reminder is written
in its own transaction under a unique key, so two schedulers never send the same reminder twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.core.clock import Clock
from app.core.municipal_settings import settings_of
from app.models import Case, Municipality, OpenTask
from app.models.notification import Notification
from app.notifications import notices
from app.notifications.outbox import Outbox

log = logging.getLogger(__name__)
DEFAULT_DAYS = 2


def reminder_days(municipality: Municipality) -> int:
    return settings_of(municipality).reminder_days_before_due


def send_due_reminders(session_factory: sessionmaker[Session], outbox: Outbox, clock: Clock, now: datetime) -> int:
    """Queue the reminders that became due; returns how many tasks were reminded."""
    with session_factory() as session:
        days = {m.id: reminder_days(m) for m in session.scalars(select(Municipality))}
        if not days:
            return 0
        horizon = now + timedelta(days=max(days.values()))
        rows = session.execute(select(OpenTask.id, OpenTask.municipality_id, OpenTask.due_at).where(
            OpenTask.due_at.is_not(None), OpenTask.due_at > now, OpenTask.due_at <= horizon)).all()
        candidates = [r.id for r in rows if r.due_at - timedelta(days=days.get(r.municipality_id, DEFAULT_DAYS)) <= now]
        if not candidates:
            return 0
        done = {key.split(":")[1] for key in session.scalars(select(Notification.key).where(
            Notification.kind == "reminder", Notification.key.is_not(None),
            Notification.case_id.in_(select(OpenTask.case_id).where(OpenTask.id.in_(candidates)))))
            if key}
    reminded = 0
    for task_id in candidates:
        if task_id in done:
            continue
        session = session_factory()
        try:
            task = session.get(OpenTask, task_id)
            case = session.get(Case, task.case_id) if task is not None else None
            if task is None or case is None:
                continue
            if notices.reminder(outbox, session, case, task, clock):
                session.commit()
                reminded += 1
            else:
                session.rollback()
        except IntegrityError:
            session.rollback()  # another scheduler queued the same reminder first
        except Exception:  # noqa: BLE001 - one task's reminder must not stop the sweep
            session.rollback()
            log.exception("reminder for task %s failed", task_id)
        finally:
            session.close()
    return reminded
