"""Which mail follows which event: the notifications' listeners, registered by build_services.

To add a notification: write its text (texts.py), who gets it and when (a function in notices.py or a
module of its own), and one ``events.listen`` line below for the event that causes it
(app/engine/events.py; the agreement domain's events are in app/domain/agreements/events.py).
"""

from __future__ import annotations

from functools import partial

from app.domain.agreements.events import AgreementChanged
from app.domain.state_aid.decisions import STAGED as STATE_AID
from app.engine.events import (
    CaseEnded,
    Escalated,
    EventBus,
    FeedbackGiven,
    TaskAssigned,
    TaskCompleted,
    TaskOpened,
)
from app.notifications import notices
from app.notifications.agreements import AgreementMail
from app.notifications.incidents import tell_administrators
from app.notifications.outbox import Outbox


def register(events: EventBus, outbox: Outbox) -> None:
    """Mail through `outbox` for every event that sends one."""
    events.listen(TaskOpened, lambda e: notices.task_opened(outbox, e.step.session, e.step.case, e.task,
                                                            e.step.clock))
    events.listen(TaskAssigned, lambda e: notices.task_assigned(outbox, e.step.session, e.step.case, e.task,
                                                                e.step.clock))
    events.listen(FeedbackGiven, lambda e: notices.decision(outbox, e.step.session, e.step.case, e.title, e.text,
                                                            e.step.clock))
    events.listen(Escalated, lambda e: notices.escalation(outbox, e.step.session, e.step.case, e.title, e.roles,
                                                          e.due, e.step.clock))
    events.listen(TaskCompleted, lambda e: notices.state_aid(outbox, e.step.session, e.step.case,
                                                             e.step.staged.get(STATE_AID), e.step.clock))
    events.listen(CaseEnded, partial(tell_administrators, outbox))
    events.listen(AgreementChanged, AgreementMail(outbox))
