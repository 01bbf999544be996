"""Moving a running case to another version of its process: dry run, migrate, revert.

Eligibility (the rule): every task the case has reached (completed, cancelled, failed, or active:
ready, started, waiting), in the top process, in its subprocesses and in the chain of subprocess
tasks above them, must exist unchanged in the target version:

- the same element id and type, with the same incoming flows;
- a finished task also keeps its outgoing flows and every other attribute (conditions, scripts,
  properties, lane), so what the case has done stays valid in the target (`registerAs`, which only says what
  the document register does after a completion, and `noticeFrom`, which only says what a task shows, may
  change: AFTER_EFFECT_PROPERTIES);
- an active task may lead elsewhere (its outgoing flows, and a gateway's conditions, may change: that is
  ahead of the case), but nothing else about it may change, and a user task keeps its form, field for
  field, and its role.

Everything else may change: tasks not reached yet, added or removed elements, their forms. The
comparison of specs is SpiffWorkflow's (`SpiffWorkflow.bpmn.util.diff.SpecDiff`); the migration itself
is ours: unlike `migrate_workflow`, it does not reset ready and waiting tasks (a reset restarts timers
and clears task data), it re-points the tasks to the target's specs and re-predicts only the branches
ahead that the change touches.

The case keeps what is needed to go back (`case_migrations`): the previous document and version. A
revert is allowed while the case has not moved since (its document is still the one the migration
wrote); it is recorded in the history like the migration.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidData
from app.core.statuses import CaseStatus, MigrationStatus
from app.engine import history
from app.engine.compaction import pruned
from app.engine.definitions import ProcessDefinition
from app.engine.serialization import workflow_from_json, workflow_to_json
from app.engine.timer_clock import engine_clock
from app.engine.workflow_tasks import all_tasks
from app.models import Case, CaseEvent, DefinitionVersion, User
from app.models.migration import CaseMigration

if TYPE_CHECKING:
    from app.engine.runtime import CaseEngine

FINISHED = TaskState.COMPLETED | TaskState.CANCELLED | TaskState.ERROR
ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING
REACHED = FINISHED | ACTIVE
AHEAD = TaskState.PREDICTED_MASK | TaskState.FUTURE
OUTGOING = frozenset({"outputs", "cond_task_specs", "default_task_spec"})

_REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)

REASONS = {
    "not_running": "the case has ended",
    "same_version": "the case is already on this version",
    "not_newer": "a case moves only to a newer version (a migration is undone with revert)",
    "other_process": "the target version belongs to another process",
    "subprocess_removed": "the subprocess the case is in does not exist in the target",
    "removed": "a step the case has reached does not exist in the target",
    "type_changed": "a step the case has reached has another type in the target",
    "incoming_changed": "the flows into a step the case has reached changed",
    "passed_changed": "a step the case has passed changed",
    "active_changed": "the step the case stands at changed",
    "form_changed": "the form of a task that is open now changed",
    "role_changed": "a task that is open now moved to another role",
}


@dataclass(frozen=True)
class Change:
    """One element that differs between the versions (by BPMN id)."""

    element_id: str
    name: str
    change: str  # added, removed, changed, form_changed
    process: str
    attributes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.element_id, "name": self.name, "change": self.change, "process": self.process,
                "attributes": list(self.attributes)}


@dataclass(frozen=True)
class Blocker:
    """Why the case cannot move: a reason code, and the element it concerns (if any)."""

    reason: str
    element_id: str = ""
    name: str = ""
    attributes: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        text = REASONS.get(self.reason, self.reason)
        if self.element_id:
            text += f": {self.name or self.element_id} ({self.element_id})"
        if self.attributes:
            text += f" [{', '.join(self.attributes)}]"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "element_id": self.element_id or None, "name": self.name or None,
                "attributes": list(self.attributes), "message": self.message}


@dataclass
class MigrationReport:
    """The dry run for one case: can it move, why not, and what would change."""

    case_id: int
    process_id: str
    from_version_id: int
    from_version: int
    to_version_id: int
    to_version: int
    blockers: list[Blocker] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.blockers

    def as_dict(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "process_id": self.process_id,
                "from": {"id": self.from_version_id, "version": self.from_version},
                "to": {"id": self.to_version_id, "version": self.to_version},
                "eligible": self.eligible, "blockers": [b.as_dict() for b in self.blockers],
                "changes": [c.as_dict() for c in self.changes]}


# ------------------------------------------------------------------ comparing definitions
def _converted(spec: Any) -> dict[str, Any]:
    converted: dict[str, Any] = _REGISTRY.convert(spec)
    return converted


def _differing(old: Any, new: Any) -> set[str]:
    first, second = _without_after_effects(_converted(old)), _without_after_effects(_converted(new))
    return {key for key in set(first) | set(second) if first.get(key) != second.get(key)}


def _processes(definition: ProcessDefinition) -> dict[str, Any]:
    """Every process spec of a definition by name: the top process and its subprocesses."""
    return {definition.spec.name: definition.spec, **definition.subprocess_specs}


def _element_name(definition: ProcessDefinition, spec: Any) -> str:
    info = definition.element(spec.bpmn_id or spec.name)
    return info.name if info and info.name else (spec.bpmn_name or spec.name)


def _form_of(definition: ProcessDefinition, bpmn_id: str) -> dict[str, Any] | None:
    return definition.form(definition.form_name_for(bpmn_id))


def compare_definitions(source: ProcessDefinition, target: ProcessDefinition) -> list[Change]:
    """What differs between two versions, element by element (internal specs without a BPMN id left out)."""
    changes: list[Change] = []
    old_processes, new_processes = _processes(source), _processes(target)
    for name, old in old_processes.items():
        new = new_processes.get(name)
        if new is None:
            changes.extend(Change(s.bpmn_id, _element_name(source, s), "removed", name)
                           for s in old.task_specs.values() if s.bpmn_id)
            continue
        diff = SpecDiff(_REGISTRY, old, new)
        for spec in diff.added:
            if spec.bpmn_id:
                changes.append(Change(spec.bpmn_id, _element_name(target, spec), "added", name))
        for spec in old.task_specs.values():
            if not spec.bpmn_id:
                continue
            counterpart = new.task_specs.get(spec.name)
            if counterpart is None:
                changes.append(Change(spec.bpmn_id, _element_name(source, spec), "removed", name))
                continue
            differing = _differing(spec, counterpart)
            if differing:
                changes.append(Change(spec.bpmn_id, _element_name(target, counterpart), "changed", name,
                                      tuple(sorted(differing))))
            if _form_of(source, spec.bpmn_id) != _form_of(target, spec.bpmn_id):
                changes.append(Change(spec.bpmn_id, _element_name(target, counterpart), "form_changed", name))
    for name, new in new_processes.items():
        if name not in old_processes:
            changes.extend(Change(s.bpmn_id, _element_name(target, s), "added", name)
                           for s in new.task_specs.values() if s.bpmn_id)
    return changes


# ----------------------------------------------------------------------- checking a case
def _process_of(task: Task) -> str:
    return str(task.workflow.spec.name)


def case_blockers(workflow: BpmnWorkflow, source: ProcessDefinition, target: ProcessDefinition) -> list[Blocker]:
    """Why the workflow cannot move from `source` to `target` ([] when it can)."""
    blockers: list[Blocker] = []
    new_processes = _processes(target)
    seen: set[tuple[str, str]] = set()
    for task in all_tasks(workflow):
        if not task.has_state(REACHED):
            continue
        spec = task.task_spec
        key = (_process_of(task), spec.name)
        if key in seen:
            continue
        seen.add(key)
        blocker = _task_blocker(task, source, target, new_processes.get(key[0])) \
            or _finished_subprocess_blocker(workflow, task, source, target)
        if blocker is not None:
            blockers.append(blocker)
    return _pruned_blockers(workflow, source, target, seen) + blockers


def _pruned_blockers(workflow: BpmnWorkflow, source: ProcessDefinition, target: ProcessDefinition,
                     seen: set[tuple[str, str]]) -> list[Blocker]:
    """The passed steps whose tasks compaction removed come first: the case went through them earliest."""
    new_processes = _processes(target)
    found = [_pruned_blocker(process_name, spec_name, source, new_processes.get(process_name))
             for process_name, spec_name in sorted(pruned(workflow) - seen)]
    return [b for b in found if b is not None]


def _pruned_blocker(process_name: str, spec_name: str, source: ProcessDefinition,
                    new_process: Any) -> Blocker | None:
    """A task the case passed whose record compaction removed (app/engine/compaction.py): unchanged in the target."""
    old_process = _processes(source).get(process_name)
    spec = old_process.task_specs.get(spec_name) if old_process is not None else None
    if spec is None:
        return None
    element = spec.bpmn_id or spec.name
    name = _element_name(source, spec) if spec.bpmn_id else ""
    if new_process is None:
        return Blocker("subprocess_removed", process_name, process_name)
    counterpart = new_process.task_specs.get(spec_name)
    if counterpart is None:
        return Blocker("removed", element, name)
    differing = _differing(spec, counterpart)
    if "typename" in differing:
        return Blocker("type_changed", element, name)
    if "inputs" in differing:
        return Blocker("incoming_changed", element, name)
    if differing:
        return Blocker("passed_changed", element, name, tuple(sorted(differing)))
    return None


def _finished_subprocess_blocker(workflow: BpmnWorkflow, task: Task, source: ProcessDefinition,
                                 target: ProcessDefinition) -> Blocker | None:
    """A subprocess the case went through whose tasks are no longer kept: it must be unchanged as a whole."""
    name = getattr(task.task_spec, "spec", None)
    if not isinstance(name, str) or name not in source.subprocess_specs or task.id in workflow.subprocesses \
            or not task.has_state(FINISHED):
        return None
    old, new = source.subprocess_specs[name], target.subprocess_specs.get(name)
    if new is None:
        return Blocker("subprocess_removed", name, name)
    if set(old.task_specs) != set(new.task_specs) or any(
            _differing(spec, new.task_specs[spec_name]) for spec_name, spec in old.task_specs.items()):
        return Blocker("passed_changed", task.task_spec.bpmn_id or name, _element_name(source, task.task_spec))
    return None


def _task_blocker(task: Task, source: ProcessDefinition, target: ProcessDefinition,
                  new_process: Any) -> Blocker | None:
    spec = task.task_spec
    element = spec.bpmn_id or ""
    name = _element_name(source, spec) if element else ""
    if new_process is None:
        return Blocker("subprocess_removed", _process_of(task), _process_of(task))
    counterpart = new_process.task_specs.get(spec.name)
    if counterpart is None:
        return Blocker("removed", element or spec.name, name)
    differing = _differing(spec, counterpart)
    if "typename" in differing:
        return Blocker("type_changed", element or spec.name, name)
    if "inputs" in differing:
        return Blocker("incoming_changed", element or spec.name, name)
    active = task.has_state(ACTIVE)
    if active:
        differing -= OUTGOING
    if differing:
        return Blocker("active_changed" if active else "passed_changed", element or spec.name, name,
                       tuple(sorted(differing)))
    if not element:
        return None
    old_info, new_info = source.element(element), target.element(element)
    if (old_info is None) != (new_info is None) or (old_info and new_info and (
            old_info.tag != new_info.tag or _behaviour(old_info.properties) != _behaviour(new_info.properties))):
        return Blocker("active_changed" if active else "passed_changed", element, name, ("properties",))
    if active and spec.manual:
        if old_info and new_info and old_info.role != new_info.role:
            return Blocker("role_changed", element, name)
        if _form_of(source, element) != _form_of(target, element):
            return Blocker("form_changed", element, name)
    return None


def dry_run(case: Case, workflow: BpmnWorkflow, source: ProcessDefinition, source_row: DefinitionVersion,
            target: ProcessDefinition, target_row: DefinitionVersion,
            changes: list[Change] | None = None) -> MigrationReport:
    report = MigrationReport(case_id=case.id, process_id=source_row.process_id, from_version_id=source_row.id,
                             from_version=source_row.version, to_version_id=target_row.id,
                             to_version=target_row.version)
    if target_row.process_id != source_row.process_id:
        report.blockers.append(Blocker("other_process"))
        return report
    report.changes = changes if changes is not None else compare_definitions(source, target)
    if case.status != CaseStatus.RUNNING:
        report.blockers.append(Blocker("not_running"))
    elif target_row.id == source_row.id:
        report.blockers.append(Blocker("same_version"))
    elif target_row.version < source_row.version:
        report.blockers.append(Blocker("not_newer"))
    else:
        report.blockers.extend(case_blockers(workflow, source, target))
    return report


# ------------------------------------------------------------------------------ migrating
def _workflows(workflow: BpmnWorkflow) -> Iterator[Any]:
    yield workflow
    yield from workflow.subprocesses.values()


def _ahead_descendants(task: Task) -> Iterator[Task]:
    for child in task.children:
        if child.has_state(AHEAD):
            yield child
            yield from _ahead_descendants(child)


def _touched(tasks: Iterable[Task], touched_names: set[tuple[str, str]]) -> bool:
    return any((_process_of(t), t.task_spec.name) in touched_names for t in tasks)


def _drop_ahead_children(task: Task) -> None:
    for child in [c for c in task.children if c.has_state(AHEAD)]:
        task.workflow._remove_task(child.id)


def apply_migration(workflow: BpmnWorkflow, source: ProcessDefinition, target: ProcessDefinition) -> None:
    """Re-point `workflow` (checked eligible) to the target's specs and re-predict the branches ahead."""
    new_processes, old_processes = _processes(target), _processes(source)
    touched: set[tuple[str, str]] = set()  # (process, spec name) whose spec differs or is gone
    for process_name, old in old_processes.items():
        new = new_processes.get(process_name)
        for spec in old.task_specs.values():
            counterpart = new.task_specs.get(spec.name) if new is not None else None
            if counterpart is None or _differing(spec, counterpart):
                touched.add((process_name, spec.name))
    frontier: list[Task] = []
    for wf in _workflows(workflow):
        process_name = wf.spec.name
        wf.spec = new_processes[process_name]
        for task in wf.tasks.values():
            counterpart = wf.spec.task_specs.get(task.task_spec.name)
            if counterpart is not None:
                task.task_spec = counterpart
            elif not task.has_state(AHEAD):
                raise Conflict(f"the step {task.task_spec.name} the case has reached is not in the target version")
        frontier.extend(t for t in wf.tasks.values() if not t.has_state(AHEAD)
                        and any(c.has_state(AHEAD) for c in t.children))
    workflow.subprocess_specs = target.subprocess_specs
    for task in frontier:
        if task.id not in task.workflow.tasks:
            continue
        if task.has_state(ACTIVE):
            if _touched([task, *_ahead_descendants(task)], touched):
                _drop_ahead_children(task)
                task.task_spec._predict(task, mask=AHEAD | task.state)
            continue
        for child in [c for c in task.children if c.has_state(AHEAD)]:
            if _touched([child, *_ahead_descendants(child)], touched):
                _drop_ahead_children(child)
                child.task_spec._predict(child, mask=AHEAD)
    for wf in _workflows(workflow):
        stale = [t for t in wf.tasks.values() if t.task_spec is not wf.spec.task_specs.get(t.task_spec.name)]
        if stale:
            raise Conflict(f"the migration left steps of the old version: {', '.join(t.task_spec.name for t in stale)}")


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------- persisting (no commit)
def _event(session: Session, case: Case, at: Any, actor: User | None, actor_name: str, kind: str, title: str,
           data: dict[str, Any]) -> None:
    history.append(session, CaseEvent(case_id=case.id, at=at, actor_id=actor.id if actor else None,
                          actor_name=actor_name, kind=kind, task_name=None, title=title, data=data))


def _actor_name(actor: User | None, fallback: str) -> str:
    if actor is None:
        return fallback
    return actor.display_name or actor.username


def migrate_case(session: Session, engine: CaseEngine, case: Case, target_row: DefinitionVersion, actor: User | None,
                 actor_name: str = "system") -> tuple[CaseMigration, MigrationReport]:
    """Move `case` to `target_row` if eligible; raise Conflict (with the reasons) if not. Flushes, no commit."""
    source_row = session.get(DefinitionVersion, case.definition_id)
    assert source_row is not None
    source = engine.definition(session, source_row.id)
    target = engine.definition(session, target_row.id)
    workflow = workflow_from_json(case.workflow_json, source.spec, source.subprocess_specs)
    report = dry_run(case, workflow, source, source_row, target, target_row)
    if not report.eligible:
        raise Conflict("the case cannot move to version "
                       f"{target_row.version}: " + "; ".join(b.message for b in report.blockers))
    previous_json, previous_serializer = case.workflow_json, case.serializer_version
    apply_migration(workflow, source, target)
    # what is saved is what runs: continue from a fresh load of the migrated document
    migrated = workflow_from_json(workflow_to_json(workflow), target.spec, target.subprocess_specs)
    now = engine.clock.now()
    _save_on(engine, session, case, migrated, target, target_row, actor)
    record = CaseMigration(
        case_id=case.id, from_definition_id=source_row.id, to_definition_id=target_row.id,
        from_version=source_row.version, to_version=target_row.version, status=MigrationStatus.APPLIED,
        previous_workflow_json=previous_json, previous_serializer_version=previous_serializer,
        migrated_document_sha256=document_hash(case.workflow_json),
        changes=[c.as_dict() for c in report.changes], migrated_at=now,
        migrated_by_id=actor.id if actor else None, migrated_by_name=_actor_name(actor, actor_name),
    )
    session.add(record)
    session.flush()
    _event(session, case, now, actor, _actor_name(actor, actor_name), "migrated",
           f"{source_row.process_id} v{source_row.version} → v{target_row.version}",
           {"migration_id": record.id, "process_id": source_row.process_id,
            "from_version": source_row.version, "to_version": target_row.version,
            "from_definition_id": source_row.id, "to_definition_id": target_row.id,
            "changes": record.changes})
    return record, report


REVERT_REASONS = {
    "already_reverted": "the migration has already been reverted",
    "ended": "the case has ended since the migration",
    "moved_on": "the case has moved on since the migration (a task was completed, a timer fired or it was "
                "migrated again); it stays on the new version",
}


def revert_blocker(case: Case, record: CaseMigration) -> str | None:
    """Why the migration cannot be undone now, as a key of REVERT_REASONS (None when it can)."""
    if record.status != MigrationStatus.APPLIED:
        return "already_reverted"
    if case.status != CaseStatus.RUNNING:
        return "ended"
    if case.definition_id != record.to_definition_id or \
            document_hash(case.workflow_json) != record.migrated_document_sha256:
        return "moved_on"
    return None


def revert_migration(session: Session, engine: CaseEngine, record: CaseMigration, actor: User | None,
                     actor_name: str = "system") -> Case:
    """Put the case back on its previous version and document. Flushes, no commit."""
    case = session.get(Case, record.case_id)
    if case is None:
        raise InvalidData("the case of this migration no longer exists")
    blocker = revert_blocker(case, record)
    if blocker is not None:
        raise Conflict(f"the migration cannot be reverted: {REVERT_REASONS[blocker]}")
    source_row = session.get(DefinitionVersion, record.from_definition_id)
    assert source_row is not None
    source = engine.definition(session, source_row.id)
    workflow = workflow_from_json(record.previous_workflow_json, source.spec, source.subprocess_specs)
    now = engine.clock.now()
    _save_on(engine, session, case, workflow, source, source_row, actor)
    record.status = MigrationStatus.REVERTED
    record.reverted_at = now
    record.reverted_by_id = actor.id if actor else None
    record.reverted_by_name = _actor_name(actor, actor_name)
    _event(session, case, now, actor, _actor_name(actor, actor_name), "migration_reverted",
           f"{source_row.process_id} v{record.to_version} → v{record.from_version}",
           {"migration_id": record.id, "process_id": source_row.process_id,
            "from_version": record.to_version, "to_version": record.from_version,
            "from_definition_id": record.to_definition_id, "to_definition_id": record.from_definition_id})
    session.flush()
    return case


def _save_on(engine: CaseEngine, session: Session, case: Case, workflow: BpmnWorkflow, definition: ProcessDefinition,
             row: DefinitionVersion, actor: User | None) -> None:
    """Point the case at `row` and save `workflow` as its state (projections, version, cache)."""
    workflow.script_engine = engine.script_engine
    engine.cache.discard(case.id)
    case.definition_id = row.id
    case.definition = row
    with engine_clock(engine.clock):
        engine._save(engine.step(session, case, actor), workflow, definition)


# properties that say what follows a task's completion elsewhere, not what the case did or does: a version that
# adds or changes them leaves a case that passed the task eligible (`registerAs`: the document register,
# app.domain.register, registers the completions made after the move; `noticeFrom`: what a task shows above its
# form the next time it opens, app.engine.task_notice; an open task keeps the notice it opened with)
AFTER_EFFECT_PROPERTIES = frozenset({"registerAs", "noticeFrom"})


def _behaviour(properties: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in properties.items() if key not in AFTER_EFFECT_PROPERTIES}


def _without_after_effects(converted: dict[str, Any]) -> dict[str, Any]:
    """A converted spec with the after-effect properties left out of its extensions (SpiffWorkflow keeps a
    spiffworkflow:properties list there as `extensions['properties']`)."""
    extensions = converted.get("extensions")
    if not isinstance(extensions, dict) or not isinstance(extensions.get("properties"), dict):
        return converted
    return {**converted, "extensions": {**extensions, "properties": _behaviour(extensions["properties"])}}
