"""The moments that send mail, each writing outbox rows in the caller's transaction.

Called from the engine (a task opened, a decision fed back, an escalation) and from task actions
(a task claimed); due-date reminders are found by the timer sweep (see reminders.py).
Each recipient gets the mail in their own language (see Recipient.language).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from app.models import Case, OpenTask
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
          text: texts.Text, key: str | None = None) -> int:
    render = texts.once_per_language(text)
    for item in recipients:
        subject, body = render(item.language)
        outbox.queue(session, kind=kind, recipient=item.address, subject=subject, body=body, case_id=case.id,
                     user_id=item.user_id, key=f"{key}:{item.address.lower()}" if key else None)
    return len(recipients)


def task_opened(outbox: Outbox, session: Session, case: Case, task: OpenTask) -> int:
    """A new open task: its assignee if the diagram named one, else everyone holding its role."""
    if task.assignee_id is not None:
        return task_assigned(outbox, session, case, task)
    text = partial(texts.task_opened, case.registration_number, case.title, task.title, task.role, task.due_at,
                   outbox.clock.tz)
    return _send(outbox, session, case, "task_opened", role_holders(session, case, task.role), text)


def task_assigned(outbox: Outbox, session: Session, case: Case, task: OpenTask) -> int:
    text = partial(texts.task_assigned, case.registration_number, case.title, task.title, task.due_at,
                   outbox.clock.tz)
    return _send(outbox, session, case, "task_assigned", user_recipient(session, task.assignee_id), text)


def reminder(outbox: Outbox, session: Session, case: Case, task: OpenTask) -> int:
    """Once per task (the key is unique): the assignee, or everyone holding the role."""
    assert task.due_at is not None
    people = user_recipient(session, task.assignee_id) if task.assignee_id else role_holders(session, case, task.role)
    text = partial(texts.reminder, case.registration_number, case.title, task.title, task.due_at, outbox.clock.tz)
    return _send(outbox, session, case, "reminder", people, text, key=f"reminder:{task.id}")


def escalation(outbox: Outbox, session: Session, case: Case, what: str, roles: list[str],
               due: datetime | None) -> int:
    people: list[Recipient] = []
    for role in roles:
        people.extend(organisation_recipients(session, case) if role == "organisation"
                      else role_holders(session, case, role))
    text = partial(texts.escalation, case.registration_number, case.title, what, due, outbox.clock.tz)
    return _send(outbox, session, case, "escalation", unique(people), text)


def decision(outbox: Outbox, session: Session, case: Case, title: str, text: str) -> int:
    mail = partial(texts.decision, case.registration_number, case.title, title, text)
    return _send(outbox, session, case, "decision", organisation_recipients(session, case), mail)
