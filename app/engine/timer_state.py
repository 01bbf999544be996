"""Reading and steering the timers of a live workflow: what waits until when, and what fired.

* ``pending_timers`` lists every waiting timer event (main process and all subprocesses, through
  the top workflow's event manager) with its due instant; the earliest becomes Case.next_timer_at.
* ``FiringWatcher`` collects the timers that fired during one engine run: a date or duration timer
  fires when its catching task completes; a cycle fires when its remaining count drops.
* ``align_cycles`` moves the next instant of a cycle to anchor + k·period on the local calendar
  after each firing (SpiffWorkflow would add a fixed number of seconds) and reports the firings,
  including the last one of a fixed-count series, whose task has already left the waiting set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import EscalationEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from app.core import calendar
from app.engine.timer_clock import CYCLE_KEY, as_instant, times


@dataclass(frozen=True)
class PendingTimer:
    task_id: str
    bpmn_id: str
    due: datetime


@dataclass(frozen=True)
class Firing:
    """One timer firing: which timer element, which task instance, and the instant it was due."""

    task_id: str
    bpmn_id: str
    due: datetime | None
    kind: str  # date, duration or cycle


def timer_definitions(task: Task) -> list[TimerEventDefinition]:
    definition = getattr(task.task_spec, "event_definition", None)
    if definition is None:
        return []
    candidates = getattr(definition, "event_definitions", None) or [definition]
    return [d for d in candidates if isinstance(d, TimerEventDefinition)]


def _kind(definition: TimerEventDefinition) -> str:
    name = type(definition).__name__
    return "cycle" if "Cycle" in name else "duration" if "Duration" in name else "date"


def _due(task: Task, definition: TimerEventDefinition, tz: ZoneInfo) -> datetime | None:
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(definition, CycleTimerEventDefinition):
        return datetime.fromisoformat(value["next"]) if isinstance(value, dict) else None
    try:
        return as_instant(value, tz)
    except ValueError:  # e.g. an ISO week date: let SpiffWorkflow read it
        parsed = TimerEventDefinition.parse_time_or_duration(str(value))
        return parsed if isinstance(parsed, datetime) else None


def pending_timers(workflow: BpmnWorkflow, tz: ZoneInfo) -> list[PendingTimer]:
    found = []
    for task in list(workflow.event_manager.tasks.values()):
        if task.state != TaskState.WAITING:
            continue
        for definition in timer_definitions(task):
            due = _due(task, definition, tz)
            if due is not None:
                found.append(PendingTimer(str(task.id), task.task_spec.bpmn_id or task.task_spec.name, due))
    found.sort(key=lambda p: p.due)
    return found


def next_due(workflow: BpmnWorkflow, tz: ZoneInfo) -> datetime | None:
    pending = pending_timers(workflow, tz)
    return pending[0].due if pending else None


def cycle_firings(task: Task, tz: ZoneInfo) -> list[Firing]:
    """The firings of a cycle timer not reported yet; puts its next instant on the calendar."""
    info: dict[str, Any] | None = task._get_internal_data(CYCLE_KEY)
    if info is None:
        return []
    value = task._get_internal_data("event_value")
    total = int(info["cycles"])
    if isinstance(value, dict):
        left = int(value["cycles"])
        fired = total - left if total >= 0 else -1 - left
    elif total >= 0 and task._get_internal_data("event_fired"):
        fired = total  # the series is over (SpiffWorkflow dropped its state)
    else:
        return []
    anchor = datetime.fromisoformat(info["anchor"])
    step = calendar.Duration(info["months"], info["days"], info["seconds"])
    bpmn_id = task.task_spec.bpmn_id or task.task_spec.name
    firings = [Firing(str(task.id), bpmn_id, calendar.add_duration(anchor, times(step, k), tz), "cycle")
               for k in range(int(info["seen"]), fired)]
    info["seen"] = max(int(info["seen"]), fired)
    task._set_internal_data(**{CYCLE_KEY: info})
    if isinstance(value, dict):
        value["next"] = calendar.add_duration(anchor, times(step, fired), tz).isoformat()
        task._set_internal_data(event_value=value)
    return firings


def _cycle_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """The cycle timers that may have fired: the waiting ones, and those whose series just ended.

    A fixed-count cycle's last firing takes its task out of the waiting set in the same engine run:
    SpiffWorkflow counts the firing, then at its next update finds no cycles left, marks the event
    fired and makes the task READY (which removes it from the event manager). While the activity
    it is attached to stays open the task is not completed either, so neither the waiting set nor
    ``FiringWatcher.will_complete`` would see that firing: it ran, but was never reported."""
    tasks = list(workflow.event_manager.tasks.values())
    waiting = {task.id for task in tasks}
    for flow in (workflow, *workflow.subprocesses.values()):
        tasks.extend(task for task in flow.tasks.values()
                     if task.state == TaskState.READY and task.id not in waiting and CYCLE_KEY in task.internal_data)
    return tasks


def align_cycles(workflow: BpmnWorkflow, tz: ZoneInfo) -> list[Firing]:
    """Put each waiting cycle's next instant on the calendar; return the cycle firings not reported yet."""
    firings = []
    for task in _cycle_tasks(workflow):
        firings.extend(cycle_firings(task, tz))
    return firings


class FiringWatcher:
    """Pass ``will_complete`` to ``do_engine_steps``; ``firings`` then lists the timers that fired."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.firings: list[Firing] = []
        self.completed: list[Task] = []

    def will_complete(self, task: Task) -> None:
        self.completed.append(task)
        for definition in timer_definitions(task):
            if isinstance(definition, CycleTimerEventDefinition):
                self.firings.extend(cycle_firings(task, self.tz))  # the series ended: count what is left
                continue
            self.firings.append(Firing(str(task.id), task.task_spec.bpmn_id or task.task_spec.name,
                                       _due(task, definition, self.tz), _kind(definition)))


def roles_from_property(value: str | None, default: tuple[str, ...] = ("officer",)) -> list[str]:
    """`notify="officer, board"` into ['officer', 'board']."""
    if not value:
        return list(default)
    return [part.strip().lower() for part in value.replace(";", ",").split(",") if part.strip()]


@dataclass(frozen=True)
class Escalation:
    bpmn_id: str
    title: str
    roles: list[str]
    due: datetime | None


def escalations(watcher: FiringWatcher, firings: list[Firing], element: Any) -> list[Escalation]:
    """What to announce: a thrown BPMN escalation (roles from its `notify` property, default officer),
    a caught one or a fired timer whose element has a `notify` property (e.g. notify="officer,board").
    `element` maps a BPMN id to its ElementInfo (or None)."""
    found: list[Escalation] = []
    for task in watcher.completed:
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, EscalationEventDefinition):
            continue
        info = element(task.task_spec.bpmn_id)
        notify = info.properties.get("notify") if info else None
        if notify or isinstance(task.task_spec, ThrowingEvent):
            title = info.name if info else (definition.name or task.task_spec.bpmn_id)
            found.append(Escalation(task.task_spec.bpmn_id, title, roles_from_property(notify), None))
    for firing in firings:
        info = element(firing.bpmn_id)
        if info is not None and info.properties.get("notify"):
            found.append(Escalation(firing.bpmn_id, info.name, roles_from_property(info.properties["notify"]),
                                    firing.due))
    return found
