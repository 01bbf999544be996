"""The case engine: start a case, complete tasks, deliver messages, persist, project.

No Flask in here. Every public method takes a SQLAlchemy session and flushes;
the caller commits (request or job edge). Concurrent writers are caught by the
case row's version column: the loser's flush raises StaleDataError, which the
edge turns into a 409.

Time: every call that may touch a timer runs inside ``engine_clock(self.clock)``
(app.engine.timer_clock), so SpiffWorkflow's timers follow the injected clock;
``wake`` fires due timers in due order for the timer sweep (app.jobs.timer_sweep).
After every save the case's ``next_timer_at`` is the earliest waiting timer.
What happened (a task opened or completed, a timer fired, the case ended, the case saved) is announced
as typed events (app.engine.events) to the listeners the composition root registered: mail
(app.notifications) and the agreement projection work in the same transaction as the step. Service
handlers get the step's context (app.engine.step) as their first argument.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.errors import Conflict, EngineError, InvalidData, NotFound, ScriptFailure
from app.core.search import case_search_text, task_search_text
from app.core.statuses import CaseStatus
from app.engine import history, incidents, ownership
from app.engine.compaction import compact
from app.engine.definitions import DefinitionCache, ProcessDefinition, parse_bundle, serialized_spec
from app.engine.elements import ElementInfo
from app.engine.events import (
    CaseEnded,
    CaseSaved,
    Escalated,
    EventBus,
    FeedbackGiven,
    TaskCompleted,
    TaskOpened,
    TimerFired,
)
from app.engine.expression_helpers import build_helpers
from app.engine.forms import validate_form
from app.engine.registration import next_registration_number
from app.engine.safe_expressions import SafeEnvironment
from app.engine.serialization import SERIALIZER_VERSION, workflow_from_json, workflow_to_json
from app.engine.step import StepContext
from app.engine.task_meta import task_assignee_username, task_due, task_role
from app.engine.task_notice import task_notice
from app.engine.timer_clock import TimerScriptEngine, engine_clock
from app.engine.timer_state import Firing, FiringWatcher, align_cycles, escalations, next_due, pending_timers
from app.engine.workflow_cache import WorkflowCache
from app.engine.workflow_tasks import completed_ends, find_task, ready_human_tasks, waiting_message_tasks
from app.models import Case, CaseEvent, DefinitionVersion, Municipality, OpenTask, Organisation, User

log = logging.getLogger(__name__)


class _ScriptEngine(TimerScriptEngine):
    """The engine clock's script engine (timer values on the calendar) whose service calls keep their real error.

    In 3.2.0 a failing service call is reported as `NameError: name 'script' is not defined` (the
    library formats the error with a variable that does not exist there); here the handler's own
    error is kept, named after the operation.
    """

    def __init__(self, clock: Clock, call: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(clock, **kwargs)
        self.call = call  # (step, operation_name, operation_params): the engine's handler call
        self.step: StepContext | None = None  # the step this engine runs (see CaseEngine._script_engine_for)

    def for_step(self, step: StepContext | None) -> _ScriptEngine:
        """This engine for one step: the same environment, service calls handed `step`."""
        engine = copy.copy(self)
        engine.step = step
        return engine

    def call_service(self, task: Task, **kwargs: Any) -> Any:
        try:
            return self.call(self.step, **kwargs)
        except ScriptFailure as exc:
            raise WorkflowTaskException(str(exc), task=task, exception=exc) from exc
        except Exception as exc:  # noqa: BLE001 - any handler error is the operation's failure
            operation = kwargs.get("operation_name", "?")
            raise WorkflowTaskException(f"the operation {operation!r} failed: {type(exc).__name__}: {exc}",
                                        task=task, exception=exc) from exc


def _meta(info: ElementInfo | None, data: dict[str, Any]) -> dict[str, Any]:
    """What an open-task row keeps beside its columns: the notice the task shows above its form, if any
    (`noticeFrom`, app.engine.task_notice), read once as the task opens."""
    notice = task_notice(info, data)
    return {"notice": notice} if notice else {}


def _actor_name(actor: User | None) -> str:
    if actor is None:
        return "system"
    return actor.display_name or actor.username


class CaseEngine:
    def __init__(self, clock: Clock, definitions: DefinitionCache | None = None,
                 handlers: Mapping[str, Callable[..., Any]] | None = None,
                 helpers: Mapping[str, Any] | None = None, events: EventBus | None = None) -> None:
        self.clock = clock
        self.definitions = definitions or DefinitionCache()
        self.handlers = dict(handlers or {})
        self.events = events or EventBus()  # build_services registers the listeners
        self.cache = WorkflowCache()
        self._extra_helpers = dict(helpers or {})
        env = SafeEnvironment(helpers=self._helpers(helpers))
        self.script_engine = _ScriptEngine(clock, self._call_service, environment=env)

    def with_clock(self, clock: Clock) -> CaseEngine:
        """The same definitions, handlers and listeners, driven by `clock` (the simulation's virtual time)."""
        return CaseEngine(clock, self.definitions, self.handlers, self._extra_helpers, self.events)

    @property
    def operations(self) -> frozenset[str]:
        """The service operations this engine's handlers provide: what a diagram's service tasks may name."""
        return frozenset(self.handlers)

    def step(self, session: Session, case: Case, actor: User | None = None) -> StepContext:
        """The context of one operation on `case`: handed to the handlers it calls and with its events."""
        return StepContext(session, case, self.clock, actor)

    # ----------------------------------------------------------------- helpers
    def _helpers(self, extra: Mapping[str, Any] | None) -> dict[str, Any]:
        helpers = build_helpers(self.clock)
        helpers.update(extra or {})
        return helpers

    def _call_service(self, step: StepContext | None, operation_name: str | None = None,
                      operation_params: dict[str, Any] | None = None, **_: Any) -> Any:
        func_ = self.handlers.get(operation_name or "")
        if func_ is None:
            raise ScriptFailure(f"no handler provides the operation {operation_name!r}")
        # SpiffWorkflow's service task has already evaluated each parameter's expression.
        params = {key: spec.get("value") if isinstance(spec, dict) else spec
                  for key, spec in (operation_params or {}).items()}
        return func_(step, **params)

    # ------------------------------------------------------------- definitions
    def deploy(self, session: Session, files: dict[str, str], actor: User | None = None,
               process_id: str | None = None, *,
               authorize: Callable[[str, int | None], None] | None = None) -> tuple[DefinitionVersion, bool]:
        """Store a new version if the content is new; return (version, created).

        `authorize(process_id, owner municipality id)` runs once the bundle is read and before anything is
        stored; it raises to refuse (the pages and the API; the command line passes none)."""
        definition = parse_bundle(files, process_id, operations=self.operations)
        owner = ownership.owner_for_deploy(session, definition.process_id, actor)
        if authorize is not None:
            authorize(definition.process_id, owner)
        ownership.record_owner(session, definition.process_id, owner)
        existing = session.scalar(select(DefinitionVersion).where(
            DefinitionVersion.process_id == definition.process_id,
            DefinitionVersion.content_hash == definition.content_hash))
        if existing is not None:
            return existing, False
        latest = session.scalar(select(func.max(DefinitionVersion.version)).where(
            DefinitionVersion.process_id == definition.process_id)) or 0
        row = DefinitionVersion(
            process_id=definition.process_id, version=latest + 1, name=definition.name,
            content_hash=definition.content_hash, files=definition.files,
            spec_json=serialized_spec(definition), deployed_at=self.clock.now(),
            deployed_by_id=actor.id if actor else None, meta={}, owner_municipality_id=owner,
        )
        session.add(row)
        session.flush()
        definition.version_id, definition.version = row.id, row.version
        self.definitions.put(definition)
        return row, True

    def definition(self, session: Session, version_id: int) -> ProcessDefinition:
        def load(vid: int) -> DefinitionVersion:
            row = session.get(DefinitionVersion, vid)
            if row is None:
                raise NotFound(f"definition version {vid} does not exist")
            return row

        return self.definitions.get(version_id, load)

    def latest_version(self, session: Session, process_id: str) -> DefinitionVersion:
        row = session.scalar(select(DefinitionVersion).where(DefinitionVersion.process_id == process_id)
                             .order_by(DefinitionVersion.version.desc()).limit(1))
        if row is None:
            raise NotFound(f"no process named {process_id!r} is deployed")
        return row

    # -------------------------------------------------------------------- cases
    def start_case(self, session: Session, *, municipality: Municipality, organisation: Organisation,
                   process_id: str, actor: User | None, data: dict[str, Any] | None = None,
                   title: str = "") -> Case:
        version = self.latest_version(session, process_id)
        definition = self.definition(session, version.id)
        with engine_clock(self.clock):
            return self._start(session, version, definition, municipality, organisation, actor, data, title)

    def _start(self, session: Session, version: DefinitionVersion, definition: ProcessDefinition,
               municipality: Municipality, organisation: Organisation, actor: User | None,
               data: dict[str, Any] | None, title: str) -> Case:
        workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=self.script_engine)
        if data:
            workflow.data.update(copy.deepcopy(data))
            for first in workflow.get_tasks(state=TaskState.READY):  # the start: expressions see the data
                first.data.update(copy.deepcopy(data))
        now = self.clock.now()
        registration_number = next_registration_number(session, municipality, self.clock.today().year)
        title = title or f"{definition.name}: {organisation.name}"
        case = Case(
            municipality_id=municipality.id, organisation_id=organisation.id, definition_id=version.id,
            registration_number=registration_number, title=title,
            search_text=case_search_text(registration_number, title), status=CaseStatus.RUNNING, current_step="",
            feedback=[], summary={}, workflow_json="", serializer_version=SERIALIZER_VERSION,
            created_by_id=actor.id if actor else None, created_at=now, updated_at=now,
        )
        case.municipality, case.organisation = municipality, organisation
        session.add(case)
        session.flush()
        step = self.step(session, case, actor)
        self._record(step, actor, "case_started", title=definition.name,
                     data={"registration_number": case.registration_number, "definition_version": version.version})
        watcher = self._run(workflow, step)
        self._save(step, workflow, definition, watcher)
        return case

    def load(self, session: Session, case: Case) -> tuple[BpmnWorkflow, ProcessDefinition]:
        definition = self.definition(session, case.definition_id)
        workflow = self.cache.take(case.id, case.version) if case.id is not None else None
        if workflow is None:
            workflow = workflow_from_json(case.workflow_json, definition.spec, definition.subprocess_specs)
            workflow.script_engine = self.script_engine
        return workflow, definition

    def complete_task(self, session: Session, case: Case, task_id: str, actor: User | None,
                      data: Mapping[str, Any], lang: str = "sv") -> Case:
        with engine_clock(self.clock):
            return self._complete(session, case, task_id, actor, data, lang)

    def _complete(self, session: Session, case: Case, task_id: str, actor: User | None,
                  data: Mapping[str, Any], lang: str) -> Case:
        incidents.ensure_open(case)  # a paused or cancelled case takes no completions (409)
        workflow, definition = self.load(session, case)
        task = find_task(workflow, task_id)
        if task is None:
            raise NotFound("the task does not exist")
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict("the task has already been completed or is no longer open")
        bpmn_id = task.task_spec.bpmn_id
        form_name = definition.form_name_for(bpmn_id)
        clean: dict[str, Any] = dict(data)
        if form_name is not None:
            schema = definition.form(form_name)
            if schema is None:
                raise InvalidData("the task's form is missing from the definition")
            clean = validate_form(schema, definition.validator(form_name), dict(data), lang, context=task.data)
        task.data.update(copy.deepcopy(clean))
        info = definition.element(bpmn_id)
        title = info.name if info else task.task_spec.bpmn_name or bpmn_id
        step = self.step(session, case, actor)
        self._record(step, actor, "task_completed", task_name=bpmn_id, title=title,
                     data={"task_id": str(task.id), "form": form_name, "values": clean})
        feedback_field = info.properties.get("feedbackField") if info else None
        feedback = str(clean[feedback_field]) if feedback_field and clean.get(feedback_field) else ""
        self.events.announce(TaskCompleted(step, bpmn_id, title, clean, feedback,
                                          dict(info.properties) if info else {}, info.role if info else None))
        if feedback_field and clean.get(feedback_field):
            self._feedback(step, title, str(clean[feedback_field]))
        task.run()
        watcher = self._run(workflow, step)
        self._save(step, workflow, definition, watcher)
        return case

    def deliver_message(self, session: Session, case: Case, message: str, actor: User | None,
                        payload: Mapping[str, Any] | None = None) -> Case:
        """Deliver a BPMN message (e.g. the organisation withdraws) to the case, if it is waiting for it."""
        with engine_clock(self.clock):
            return self._deliver(session, case, message, actor, payload)

    def _deliver(self, session: Session, case: Case, message: str, actor: User | None,
                 payload: Mapping[str, Any] | None) -> Case:
        incidents.ensure_open(case)
        workflow, definition = self.load(session, case)
        waiting = waiting_message_tasks(workflow, message)
        if not waiting:
            raise Conflict(f"the case is not waiting for the message {message!r} now")
        target = waiting[0]
        target.data.update(copy.deepcopy(dict(payload or {})))
        definition_obj = target.task_spec.event_definition
        info = definition.element(target.task_spec.bpmn_id)
        step = self.step(session, case, actor)
        self._record(step, actor, "message", task_name=target.task_spec.bpmn_id,
                     title=info.name if info else message,
                     data={"message": message, "payload": dict(payload or {})})
        workflow.catch(BpmnEvent(definition_obj, dict(payload or {})))
        watcher = self._run(workflow, step)
        self._save(step, workflow, definition, watcher)
        return case

    def wake(self, session: Session, case: Case, until: datetime | None = None,
             max_rounds: int = 1000, flush: bool = True) -> list[Firing]:
        """Fire the case's timers due by `until` (default now), earliest first, and save.

        Each round runs the engine at the due instant of the earliest timer, so timers missed during
        downtime fire in order and whatever they start is timed from when they were due. A sweep that
        wakes many cases in one transaction may pass flush=False and flush once for all of them."""
        until = until or self.clock.now()
        workflow, definition = self.load(session, case)
        watcher = FiringWatcher(self.clock.tz)
        step = self.step(session, case)
        for _ in range(max_rounds):
            due = [p for p in pending_timers(workflow, self.clock.tz) if p.due <= until]
            if not due:
                break
            with engine_clock(self.clock, at=due[0].due):
                workflow.refresh_timers()
                self._run(workflow, step, watcher)
            if case.status == CaseStatus.FAILED:
                break  # the case stopped on an error: the administrator decides (app.engine.incidents)
            if due == [p for p in pending_timers(workflow, self.clock.tz) if p.due <= until]:
                break  # nothing moved: leave it for the next sweep rather than spin
        with engine_clock(self.clock):
            self._save(step, workflow, definition, watcher, flush=flush)
        return watcher.firings

    def can_receive(self, session: Session, case: Case, message: str) -> bool:
        if case.status != CaseStatus.RUNNING:
            return False
        workflow, _ = self.load(session, case)
        return bool(waiting_message_tasks(workflow, message))

    # ----------------------------------------------------------------- internals
    def _run(self, workflow: BpmnWorkflow, step: StepContext | None,
             watcher: FiringWatcher | None = None) -> FiringWatcher:
        """Run the workflow's engine steps; the service handlers it calls get `step` (None: a bare run)."""
        watcher = watcher or FiringWatcher(self.clock.tz)
        workflow.script_engine = self.script_engine.for_step(step)
        try:
            workflow.do_engine_steps(will_complete_task=watcher.will_complete)
        except Exception as exc:  # noqa: BLE001 - whatever a step of the diagram raised stops the case
            if isinstance(exc, SQLAlchemyError) or (isinstance(exc, EngineError)
                                                    and not isinstance(exc, ScriptFailure)):
                raise  # the transaction's own trouble (a stale version, a lost connection): the caller's to handle
            if not isinstance(exc, (SpiffWorkflowException, ScriptFailure)) and step is None:
                raise
            if step is None:  # no case to stop (a bare run): the caller gets the error
                spec = getattr(exc, "task_spec", None)
                bpmn_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
                name = getattr(spec, "bpmn_name", None) or bpmn_id
                where = f"'{name}' ({bpmn_id})" if bpmn_id else "a step"
                raise ScriptFailure(f"the diagram failed at {where}: {exc}") from exc
            # What ran before stays done; the failing task stays in ERROR and the case stops (an incident)
            incident = incidents.describe(exc, workflow)
            log.warning("case %s stopped at %s: %s", step.case.id, incident.task, incident.detail)
            incidents.mark_failed(self, step, incident)
        finally:
            workflow.script_engine = self.script_engine  # the cached workflow keeps no step (nor its session)
        watcher.firings.extend(align_cycles(workflow, self.clock.tz))
        return watcher

    def _record(self, step: StepContext, actor: User | None, kind: str, *,
                task_name: str | None = None, title: str = "", data: dict[str, Any] | None = None) -> None:
        """A history entry of the step's case (announced with CaseSaved as one of the save's `recorded`)."""
        case = step.case
        entry = CaseEvent(case_id=case.id, at=self.clock.now(), actor_id=actor.id if actor else None,
                              actor_name=_actor_name(actor), kind=kind, task_name=task_name, title=title,
                              data=data or {})
        history.append(step.session, entry)
        step.recorded.append(entry)

    def _feedback(self, step: StepContext, title: str, text: str) -> None:
        case, actor = step.case, step.actor
        entry = {"at": self.clock.now().isoformat(), "title": title, "text": text, "by": _actor_name(actor)}
        case.feedback = [*case.feedback, entry]
        self._record(step, actor, "feedback", title=title, data={"text": text})
        self.events.announce(FeedbackGiven(step, title, text))

    def _save(self, step: StepContext, workflow: BpmnWorkflow, definition: ProcessDefinition,
              watcher: FiringWatcher | None = None, flush: bool = True) -> None:
        """Write the case's workflow, timers, current step and open tasks; announce what happened, then flush."""
        session, case = step.session, step.case
        now = self.clock.now()
        had_open = bool(case.current_step)  # it names the ready human tasks of the last save
        if watcher is not None:
            self._report_timers(step, definition, watcher)
        self._report_ends(step, workflow, definition)
        ready = ready_human_tasks(workflow)
        ended = workflow.is_completed() and case.status != CaseStatus.COMPLETED
        if workflow.is_completed():
            case.status = CaseStatus.COMPLETED
        titles = []
        for task in ready:
            info = definition.element(task.task_spec.bpmn_id)
            titles.append(info.name if info else task.task_spec.bpmn_name or task.task_spec.name)
        if case.status == CaseStatus.COMPLETED:
            case.current_step = case.summary.get("end_title", "")
        else:
            case.current_step = ", ".join(titles)
        if case.status == CaseStatus.FAILED and not case.current_step:  # the step the case stopped at
            case.current_step = str((case.summary.get("incident") or {}).get("step") or "")
        case.next_timer_at = None if case.status != CaseStatus.RUNNING else next_due(workflow, self.clock.tz)
        compact(workflow)  # finished history goes; the case's events keep it
        case.workflow_json = workflow_to_json(workflow)
        case.serializer_version = SERIALIZER_VERSION
        case.updated_at = now
        self._project_tasks(step, ready, definition, now, had_open)
        if ended:
            self.events.announce(CaseEnded(step, "completed", outcome=case.outcome))
        self.events.announce(CaseSaved(step, workflow, list(step.recorded)))
        if flush:
            session.flush()
        self.cache.stage(session, case, workflow)

    def _report_timers(self, step: StepContext, definition: ProcessDefinition, watcher: FiringWatcher) -> None:
        """A timer_fired event per firing (counted once: it only exists if this save commits)."""
        for firing in watcher.firings:
            info = definition.element(firing.bpmn_id)
            title = info.name if info else firing.bpmn_id
            self._record(step, None, "timer_fired", task_name=firing.bpmn_id, title=title,
                         data={"timer": firing.bpmn_id, "task_id": firing.task_id, "kind": firing.kind,
                               "due": firing.due.astimezone(self.clock.tz).isoformat() if firing.due else None})
            self.events.announce(TimerFired(step, firing, title))
        for item in escalations(watcher, watcher.firings, definition.element):
            self._record(step, None, "escalation", task_name=item.bpmn_id, title=item.title,
                         data={"roles": item.roles,
                               "due": item.due.astimezone(self.clock.tz).isoformat() if item.due else None})
            self.events.announce(Escalated(step, item.title, item.roles, item.due))

    def _report_ends(self, step: StepContext, workflow: BpmnWorkflow, definition: ProcessDefinition) -> None:
        case, actor = step.case, step.actor
        reported = set(case.summary.get("reported_ends", []))
        summary = dict(case.summary)
        ends = completed_ends(workflow)
        reported &= {str(task.id) for task in ends}  # ends compaction removed cannot come back
        for task in ends:
            key = str(task.id)
            if key in reported:
                continue
            reported.add(key)
            info = definition.element(task.task_spec.bpmn_id)
            if info is None or "outcome" not in info.properties:
                continue
            if case.outcome is not None:
                continue
            case.outcome = info.properties["outcome"]
            summary["end_title"] = info.name
            field = info.properties.get("feedbackField")
            text = str(task.data.get(field, "")) if field else ""
            self._feedback(step, info.name, text)
        summary["reported_ends"] = sorted(reported)
        if workflow.is_completed():
            summary.setdefault("end_title", "Avslutat")
            self._record(step, actor, "case_completed", title=summary["end_title"],
                         data={"outcome": case.outcome})
        case.summary = summary

    def _project_tasks(self, step: StepContext, ready: list[Task], definition: ProcessDefinition,
                       now: datetime, had_open: bool = True) -> None:
        session, case = step.session, step.case
        if not ready and not had_open:
            return  # nothing was open and nothing is: skip the query (the common case for timer firings)
        # nothing was open: no rows to compare with (and no query, which would flush each case of a sweep batch)
        existing = {t.id: t for t in session.scalars(select(OpenTask).where(OpenTask.case_id == case.id))} \
            if had_open else {}
        keep = set()
        for task in ready:
            key = str(task.id)
            keep.add(key)
            if key in existing:
                continue
            info = definition.element(task.task_spec.bpmn_id)
            role = task_role(info)
            due = task_due(info, task.data, now, self.clock.tz)
            assignee_id = None
            username = task_assignee_username(info, task.data)
            if username:
                assignee_id = session.scalar(select(User.id).where(User.username == username))
            title = info.name if info else task.task_spec.bpmn_name or task.task_spec.name
            row = OpenTask(
                id=key, case_id=case.id, municipality_id=case.municipality_id,
                organisation_id=case.organisation_id, registration_number=case.registration_number,
                name=task.task_spec.bpmn_id, title=title,
                search_text=task_search_text(title, case.registration_number), role=role,
                assignee_id=assignee_id, due_at=due, created_at=now,
                form=definition.form_name_for(task.task_spec.bpmn_id), meta=_meta(info, task.data),
            )
            session.add(row)
            self.events.announce(TaskOpened(step, row))
        for key, row in existing.items():
            if key not in keep:
                session.delete(row)
