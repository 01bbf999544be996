"""What happened in a step, announced to listeners the composition root registered (app/services.py).

The engine announces typed events (the dataclasses below); other layers add their own (the agreement
domain announces ``AgreementChanged``, app/domain/agreements/events.py). ``EventBus.listen`` registers a
listener for one event type; ``announce`` calls that type's listeners in registration order.

Listeners run synchronously, inside the step, in the step's session: what they add (outbox rows,
projection rows) is written by the same flush and commit as the step, and a rollback undoes both.
They run *before* the step's flush: the engine announces while it saves the case, and flushes after
(``CaseSaved`` is the last event of a save), so the rows a listener adds go to the database in the
same flush as the case and its history, and the case's version check covers them too. A timer sweep
that wakes many cases in one transaction flushes once for all of them, after their listeners ran.
Nothing is registered by importing a module: build_services wires every listener.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from app.engine.step import StepContext
from app.engine.timer_state import Firing
from app.models import CaseEvent, OpenTask

if TYPE_CHECKING:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    from app.engine.incidents import Incident

E = TypeVar("E")
Listener = Callable[[Any], object]


@dataclass(frozen=True)
class TaskOpened:
    """A human task became ready; `task` is its new open-task row."""

    step: StepContext
    task: OpenTask


@dataclass(frozen=True)
class TaskAssigned:
    """Someone claimed an open task or an administrator assigned it (announced by app/domain/task_actions.py
    and app/domain/case_admin.py, not by the engine: assignment happens outside a workflow step)."""

    step: StepContext
    task: OpenTask


@dataclass(frozen=True)
class TaskCompleted:
    step: StepContext
    task_name: str  # the BPMN id
    title: str
    values: dict[str, Any]  # the form's values as validated
    feedback: str = ""  # what the step feeds back to the organisation (its feedbackField), if anything
    properties: Mapping[str, str] = field(default_factory=dict)  # the task element's properties (registerAs, ...)
    role: str | None = None  # the role whose task it is (its lane), whoever completed it


@dataclass(frozen=True)
class FeedbackGiven:
    """A decision fed back to the organisation: a task's or an end event's feedback field."""

    step: StepContext
    title: str
    text: str


@dataclass(frozen=True)
class TimerFired:
    step: StepContext
    firing: Firing
    title: str


@dataclass(frozen=True)
class Escalated:
    """A BPMN escalation, or a fired timer whose element has a `notify` property: `roles` are told."""

    step: StepContext
    title: str
    roles: list[str]
    due: datetime | None


@dataclass(frozen=True)
class CaseEnded:
    """The case completed (its `outcome`, if an end event names one), failed (stopped on `incident`,
    waiting for an administrator) or was cancelled."""

    step: StepContext
    status: Literal["completed", "failed", "cancelled"]
    outcome: str | None = None
    incident: Incident | None = None


@dataclass(frozen=True)
class CaseSaved:
    """The last event of every save of a case's workflow: `workflow` as saved, and `recorded`, the history
    entries this save adds. Projections of domain state (the agreement tables) listen here."""

    step: StepContext
    workflow: BpmnWorkflow
    recorded: list[CaseEvent]


class EventBus:
    """Listeners per event type, called in the order they were registered."""

    def __init__(self) -> None:
        self._listeners: dict[type, list[Listener]] = {}

    def listen(self, kind: type[E], listener: Callable[[E], object]) -> None:
        self._listeners.setdefault(kind, []).append(listener)

    def announce(self, event: object) -> None:
        for listener in self._listeners.get(type(event), ()):
            listener(event)

    def listeners(self, kind: type) -> list[Listener]:
        return list(self._listeners.get(kind, ()))
