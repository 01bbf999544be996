"""Reading a SpiffWorkflow workflow: ready human tasks, waiting events, reached end events."""

from __future__ import annotations

from collections.abc import Iterator

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState


def all_tasks(workflow: BpmnWorkflow) -> Iterator[Task]:
    """Every task of the workflow and its subprocesses (get_tasks misses some below unfinished ones)."""
    yield from workflow.tasks.values()
    for sub in workflow.subprocesses.values():
        yield from sub.tasks.values()


def ready_human_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return [t for t in all_tasks(workflow) if t.state == TaskState.READY and t.task_spec.manual]


def waiting_message_tasks(workflow: BpmnWorkflow, message: str) -> list[Task]:
    found = []
    for task in all_tasks(workflow):
        if task.state != TaskState.WAITING:
            continue
        definition = getattr(task.task_spec, "event_definition", None)
        if definition is not None and type(definition).__name__ == "MessageEventDefinition" \
                and definition.name == message:
            found.append(task)
    return found


def completed_ends(workflow: BpmnWorkflow) -> list[Task]:
    ends = [t for t in all_tasks(workflow)
            if t.state == TaskState.COMPLETED and type(t.task_spec).__name__ == "EndEvent"]
    return sorted(ends, key=lambda t: t.last_state_change)


def find_task(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    from uuid import UUID

    try:
        uid = UUID(task_id)
    except ValueError:
        return None
    task = workflow.tasks.get(uid)
    if task is not None:
        return task
    for sub in workflow.subprocesses.values():
        if uid in sub.tasks:
            return sub.tasks[uid]
    return None
