"""The moments that send mail, each writing outbox rows in the caller's transaction.

Called by the engine's events (app/notifications/listeners.py: a task opened or assigned, a decision fed
back, an escalation); due-date reminders are found by the timer sweep (app/jobs/reminders.py).
Each recipient gets the mail in their own language (see Recipient.language). `clock` is the clock of
the step that causes the mail: its time zone words the due times and its time stamps the outbox row.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.roles import Role
from app.domain.state_aid.window import in_euro
from app.models import Case, OpenTask
from app.models.state_aid import StateAid
from app.notifications import texts
from app.notifications.outbox import Outbox
from app.notifications.recipients import (
    Recipient,
    organisation_recipients,
    role_holders,
    unique,
    user_recipient,
)


def _send(outbox: Outbox, session: Session, case: Case, kind: str, recipients: list[Recipient],
          text: texts.Text, clock: Clock, key: str | None = None) -> int:
    render = texts.once_per_language(text)
    now = clock.now()
    for item in recipients:
        subject, body = render(item.language)
        outbox.queue(session, kind=kind, recipient=item.address, subject=subject, body=body, case_id=case.id,
                     user_id=item.user_id, key=f"{key}:{item.address.lower()}" if key else None, now=now)
    return len(recipients)


def task_opened(outbox: Outbox, session: Session, case: Case, task: OpenTask, clock: Clock) -> int:
    """A new open task: its assignee if the diagram named one, else everyone holding its role."""
    if task.assignee_id is not None:
        return task_assigned(outbox, session, case, task, clock)
    text = partial(texts.task_opened, case.registration_number, case.title, task.title, task.role, task.due_at,
                   clock.tz)
    return _send(outbox, session, case, "task_opened", role_holders(session, case, task.role), text, clock)


def task_assigned(outbox: Outbox, session: Session, case: Case, task: OpenTask, clock: Clock) -> int:
    text = partial(texts.task_assigned, case.registration_number, case.title, task.title, task.due_at, clock.tz)
    return _send(outbox, session, case, "task_assigned", user_recipient(session, task.assignee_id), text, clock)


def reminder(outbox: Outbox, session: Session, case: Case, task: OpenTask, clock: Clock) -> int:
    """Once per task (the key is unique): the assignee, or everyone holding the role."""
    assert task.due_at is not None
    people = user_recipient(session, task.assignee_id) if task.assignee_id else role_holders(session, case, task.role)
    text = partial(texts.reminder, case.registration_number, case.title, task.title, task.due_at, clock.tz)
    return _send(outbox, session, case, "reminder", people, text, clock, key=f"reminder:{task.id}")


def escalation(outbox: Outbox, session: Session, case: Case, what: str, roles: list[str],
               due: datetime | None, clock: Clock) -> int:
    people: list[Recipient] = []
    for role in roles:
        people.extend(organisation_recipients(session, case) if role == Role.ORGANISATION
                      else role_holders(session, case, role))
    text = partial(texts.escalation, case.registration_number, case.title, what, due, clock.tz)
    return _send(outbox, session, case, "escalation", unique(people), text, clock)


def decision(outbox: Outbox, session: Session, case: Case, title: str, text: str, clock: Clock) -> int:
    mail = partial(texts.decision, case.registration_number, case.title, title, text)
    return _send(outbox, session, case, "decision", organisation_recipients(session, case), mail, clock)


def state_aid(outbox: Outbox, session: Session, case: Case, aid: StateAid | None, clock: Clock) -> int:
    """De minimis aid recorded by this step's decision: the organisation is told the amount and the regulation."""
    if aid is None:
        return 0
    mail = partial(texts.state_aid, case.registration_number, case.title, aid.decided_on.isoformat(),
                   in_euro(aid.amount_eur_cents), aid.amount_sek, aid.eur_rate, aid.regulation)
    return _send(outbox, session, case, "state_aid", organisation_recipients(session, case), mail, clock)
