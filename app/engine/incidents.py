"""Incidents: a case whose diagram failed stops, keeps what was done, and waits for an administrator.

A failure inside the engine (a script, an expression, a service task's handler, a gateway without a
matching flow, a timer expression, a sandbox limit) no longer undoes the user's completion: the
failing task stays in SpiffWorkflow's ERROR state, the case's status becomes "failed", the incident is
kept in ``case.summary["incident"]`` and an ``incident`` event is recorded (``describe`` finds the failing
step, what failed as a code, and the technical detail). The plain words are not stored: ``incident_message``
words the code and its parameters in the reader's language where the incident is shown (pages, API, mail);
an incident stored before the codes keeps its Swedish ``message``, which is shown as it is. Form validation
still refuses a completion before anything runs.

The repair actions live here as engine operations (no permission checks: app.domain.case_admin decides
who may call them and records who did): ``retry`` runs the failed step again, ``skip`` completes it
without running it, ``suspend``/``resume`` pause the case (no completions, no timers), ``cancel`` ends
it, ``move_timer`` gives a waiting date or duration timer a new due time.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidData
from app.core.statuses import CaseStatus
from app.engine.events import CaseEnded
from app.engine.step import StepContext
from app.engine.timer_clock import engine_clock
from app.engine.timer_state import next_due, pending_timers, timer_definitions
from app.engine.workflow_tasks import all_tasks
from app.i18n import translate
from app.models import Case, OpenTask, User

if TYPE_CHECKING:
    from app.engine.runtime import CaseEngine

ACTIVE = (CaseStatus.RUNNING, CaseStatus.FAILED)  # states in which the case's workflow may move
PAUSED_MESSAGE = "the case is paused by an administrator; nothing can be done on it until it is resumed"
CANCELLED_MESSAGE = "the case has been cancelled by an administrator"


# What failed, as stored in an incident's `code`: a step of the diagram, by cause (`incident.cause.<code>`
# in the catalogues, worded with the step's name), or the timer sweep's wake of the case.
CAUSES = ("limit", "service", "gateway", "timer", "script", "expression")
WAKE = "wake"


@dataclass(frozen=True)
class Incident:
    task: str | None
    step: str
    code: str  # CAUSES or WAKE
    detail: str
    params: Mapping[str, str] = field(default_factory=dict)  # the values its words need: the step's name

    def as_dict(self, at: datetime) -> dict[str, Any]:
        """As stored in the case's summary and its `incident` event."""
        return {"at": at.isoformat(), "task": self.task, "step": self.step, "code": self.code,
                "params": dict(self.params), "detail": self.detail}

    def message(self, lang: str) -> str:
        return incident_message({"code": self.code, "params": self.params}, lang)


def incident_message(incident: Mapping[str, Any], lang: str) -> str:
    """A stored incident's plain words in `lang`, from its code and parameters. One stored before the codes
    has only its message in Swedish: that text, as it was stored."""
    code = incident.get("code")
    params = incident.get("params")
    params = params if isinstance(params, Mapping) else {}
    if code in CAUSES:
        step = str(params["step"]) if "step" in params else translate("incident.unknown_step", lang)
        return translate("incident.message", lang, step=step, cause=translate(f"incident.cause.{code}", lang))
    if code == WAKE:
        return translate("incident.timer.message", lang)
    message = incident.get("message")
    return str(message) if message else ""


def shown_incident(incident: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """An incident as the API shows it: its step, its code and its plain words in `lang`, its detail."""
    return {"at": incident.get("at"), "task": incident.get("task"), "step": incident.get("step"),
            "code": incident.get("code"), "message": incident_message(incident, lang),
            "detail": incident.get("detail")}


def _kind_of(spec: Any) -> str:
    return type(spec).__name__ if spec is not None else ""


def _cause(exc: BaseException) -> str:
    """What failed, as a code (`incident.cause.<code>` in the catalogues), from the failing element's kind
    and the error."""
    text = str(exc)
    kind = _kind_of(getattr(exc, "task_spec", None))
    if "steps (a loop" in text or "builds a value" in text or "builds more than" in text \
            or "computes a number" in text or "was stopped after" in text or "more than" in text and "MB" in text:
        return "limit"
    if "operation" in text and "failed" in text or "Service" in kind:
        return "service"
    if "Gateway" in kind or "No conditions satisfied" in text:
        return "gateway"
    if "Timer" in kind or "Catch" in kind or "Boundary" in kind:
        return "timer"
    if "Script" in kind:
        return "script"
    return "expression"


def describe(exc: BaseException, workflow: BpmnWorkflow | None = None) -> Incident:
    """The incident of a failure: the failing element and its name, plain words, technical detail."""
    spec = getattr(exc, "task_spec", None)
    task = getattr(exc, "task", None)
    if spec is None and task is not None:
        spec = task.task_spec
    if spec is None and workflow is not None:
        errored = failed_tasks(workflow)
        spec = errored[0].task_spec if errored else None
    bpmn_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
    known = getattr(spec, "bpmn_name", None) or bpmn_id
    name = " ".join(str(known).split()) if known else translate("incident.unknown_step")
    original = getattr(exc, "error", None) or exc.__cause__
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(original, BaseException) and str(original) not in str(exc):
        detail += f" ({type(original).__name__}: {original})"
    return Incident(bpmn_id, name, _cause(exc), detail[:4000], {"step": name} if known else {})


def failed_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return [t for t in all_tasks(workflow) if t.state == TaskState.ERROR]


def mark_failed(engine: CaseEngine, step: StepContext, incident: Incident) -> None:
    """The case stops: status failed, the incident in its summary and its history; ``CaseEnded`` tells
    the listeners (the administrators' mail, app/notifications/incidents.py)."""
    case = step.case
    now = engine.clock.now()
    case.status = CaseStatus.FAILED
    summary = dict(case.summary or {})
    summary["incident"] = incident.as_dict(now)
    case.summary = summary
    if case.id is not None:
        engine._record(step, None, "incident", task_name=incident.task, title=incident.step,
                       data=incident.as_dict(now))
        engine.events.announce(CaseEnded(step, "failed", incident=incident))


def ensure_open(case: Case | None) -> None:
    """Completions, claims and messages: refused (409) while the case is paused or after it was cancelled."""
    if case is None:
        return
    if case.status == CaseStatus.SUSPENDED:
        raise Conflict(PAUSED_MESSAGE)
    if case.status == CaseStatus.CANCELLED:
        raise Conflict(CANCELLED_MESSAGE)


def _clear(case: Case) -> None:
    summary = dict(case.summary or {})
    summary.pop("incident", None)
    case.summary = summary
    case.status = CaseStatus.RUNNING


def _need_failed(case: Case) -> None:
    if case.status != CaseStatus.FAILED:
        raise Conflict("the case has not stopped on an error; there is nothing to retry or skip")


def retry(engine: CaseEngine, session: Session, case: Case, actor: User | None, event: dict[str, Any]) -> Case:
    """Run the failed step(s) again. Succeeds: the case runs on; fails again: a new incident, still failed."""
    _need_failed(case)
    with engine_clock(engine.clock):
        workflow, definition = engine.load(session, case)
        for task in failed_tasks(workflow):
            task._set_state(TaskState.READY)
        step = engine.step(session, case, actor)
        engine._record(step, actor, "case_retried", title=_step(case), data=event)
        _clear(case)
        watcher = engine._run(workflow, step)
        engine._save(step, workflow, definition, watcher)
    return case


def skip(engine: CaseEngine, session: Session, case: Case, actor: User | None, event: dict[str, Any]) -> Case:
    """Complete the failed step without running it and go on from there."""
    _need_failed(case)
    with engine_clock(engine.clock):
        workflow, definition = engine.load(session, case)
        errored = failed_tasks(workflow)
        if not errored:
            raise Conflict("no step is stopped on an error (a timer could not be computed): retry instead")
        gateways = [t for t in errored if "Gateway" in _kind_of(t.task_spec)]
        if gateways:
            raise Conflict("the error is in a choice of the way on (a gateway), which cannot be skipped: "
                           "correct the data and retry, or cancel the case")
        step = engine.step(session, case, actor)
        engine._record(step, actor, "step_skipped", task_name=errored[0].task_spec.bpmn_id,
                       title=_step(case), data=event)
        for task in errored:
            task._set_state(TaskState.READY)
            task.complete()
        _clear(case)
        watcher = engine._run(workflow, step)
        engine._save(step, workflow, definition, watcher)
    return case


def suspend(engine: CaseEngine, session: Session, case: Case, actor: User | None, event: dict[str, Any]) -> Case:
    if case.status not in ACTIVE:
        raise Conflict("only a running or stopped case can be paused")
    summary = dict(case.summary or {})
    summary["suspended_from"] = case.status
    case.summary = summary
    case.status = CaseStatus.SUSPENDED
    case.next_timer_at = None  # the sweep takes running cases only; resume computes it again
    case.updated_at = engine.clock.now()
    engine._record(engine.step(session, case, actor), actor, "case_suspended", title=case.title, data=event)
    session.flush()
    return case


def resume(engine: CaseEngine, session: Session, case: Case, actor: User | None, event: dict[str, Any]) -> Case:
    if case.status != CaseStatus.SUSPENDED:
        raise Conflict("the case is not paused")
    summary = dict(case.summary or {})
    case.status = CaseStatus(summary.pop("suspended_from", CaseStatus.RUNNING))
    case.summary = summary
    if case.status == CaseStatus.RUNNING:
        workflow, _ = engine.load(session, case)
        case.next_timer_at = next_due(workflow, engine.clock.tz)
    case.updated_at = engine.clock.now()
    engine._record(engine.step(session, case, actor), actor, "case_resumed", title=case.title, data=event)
    session.flush()
    return case


def cancel(engine: CaseEngine, session: Session, case: Case, actor: User | None, event: dict[str, Any]) -> Case:
    """End the case for good: no open tasks, no timers. The workflow is kept as it stood (the diagram)."""
    if case.status not in (*ACTIVE, CaseStatus.SUSPENDED):
        raise Conflict("the case has already ended")
    case.status = CaseStatus.CANCELLED
    case.next_timer_at = None
    case.current_step = ""
    summary = dict(case.summary or {})
    summary.pop("suspended_from", None)
    case.summary = summary
    case.updated_at = engine.clock.now()
    session.execute(delete(OpenTask).where(OpenTask.case_id == case.id))
    step = engine.step(session, case, actor)
    engine._record(step, actor, "case_cancelled", title=case.title, data=event)
    engine.events.announce(CaseEnded(step, "cancelled"))
    session.flush()
    return case


@dataclass(frozen=True)
class WaitingTimer:
    bpmn_id: str
    title: str
    due: datetime
    movable: bool


def waiting_timers(engine: CaseEngine, session: Session, case: Case) -> list[WaitingTimer]:
    """The case's timers still to come, earliest first (a repeating timer cannot be moved)."""
    if case.status in (CaseStatus.COMPLETED, CaseStatus.CANCELLED) or not case.workflow_json:
        return []
    workflow, definition = engine.load(session, case)
    found = []
    for pending in pending_timers(workflow, engine.clock.tz):
        task = _timer_task(workflow, pending.task_id)
        info = definition.element(pending.bpmn_id)
        movable = task is not None and not any(isinstance(d, CycleTimerEventDefinition)
                                               for d in timer_definitions(task))
        found.append(WaitingTimer(pending.bpmn_id, info.name if info and info.name else pending.bpmn_id,
                                  pending.due, movable))
    return found


def _timer_task(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    for task in workflow.event_manager.tasks.values():
        if str(task.id) == task_id:
            return task  # type: ignore[no-any-return]
    return None


def move_timer(engine: CaseEngine, session: Session, case: Case, actor: User | None, timer: str,
               due: datetime | date, event: dict[str, Any]) -> Case:
    """Give the waiting timer `timer` (its BPMN id) the due instant `due`; the sweep fires it then.

    A date without a time keeps the timer's time of day (local time) on the new date."""
    if case.status not in (*ACTIVE, CaseStatus.SUSPENDED):
        raise Conflict("the case has ended; its timers no longer wait")
    with engine_clock(engine.clock):
        workflow, definition = engine.load(session, case)
        pending = [p for p in pending_timers(workflow, engine.clock.tz) if p.bpmn_id == timer]
        if not pending:
            raise InvalidData(f"the case has no waiting timer {timer!r}", {"timer": "no such waiting timer"})
        task = _timer_task(workflow, pending[0].task_id)
        if task is None or any(isinstance(d, CycleTimerEventDefinition) for d in timer_definitions(task)):
            raise InvalidData("a repeating timer cannot be moved", {"timer": "a repeating timer cannot be moved"})
        if not isinstance(due, datetime):
            local = pending[0].due.astimezone(engine.clock.tz)
            due = datetime.combine(due, local.timetz().replace(tzinfo=None), tzinfo=engine.clock.tz)
        data = copy.deepcopy(event)
        data.update({"timer": timer, "from": pending[0].due.astimezone(engine.clock.tz).isoformat(),
                     "due": due.astimezone(engine.clock.tz).isoformat()})
        task._set_internal_data(event_value=due.isoformat())
        task.internal_data.pop("event_fired", None)
        info = definition.element(timer)
        step = engine.step(session, case, actor)
        engine._record(step, actor, "timer_moved", task_name=timer,
                       title=info.name if info and info.name else timer, data=data)
        status = case.status
        engine._save(step, workflow, definition)
        if status == CaseStatus.FAILED:  # _save times only running cases; a failed case's timers wait for the repair
            case.next_timer_at = None
    return case


def _step(case: Case) -> str:
    incident = (case.summary or {}).get("incident") or {}
    return str(incident.get("step") or case.title)
