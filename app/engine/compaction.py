"""Drop a case's finished history from its live workflow, so that its size stays bounded.

SpiffWorkflow keeps every task it ever created: each pass through a loop adds tasks under the
last ones, and each finished subprocess stays with all its tasks. A five-year agreement thus
carried about 200 tasks, and every engine step walked them, every save serialized them and every
load rebuilt them (docs/architecture.md, "Compacting finished history"). What happened is kept
elsewhere: the case's events record each completion, firing and decision.

`compact` runs before each save and removes
- the tasks of every finished subprocess (the subprocess task itself stays; its data already
  holds the subprocess's result, copied there when it finished);
- in the main process and in every running subprocess, finished branches that lead nowhere
  (cancelled boundary events, ended parallel branches), and completed links of the chain a loop
  grows: a completed task with one child is cut out and the child hangs from its grandparent.
Kept: the root, the last completed task, every unfinished task with the three tasks above it
(what gateways, joins and boundary events look back at) and the parent of every join task.
Nothing unfinished is touched. What was removed is remembered as (process, task spec) pairs in
`workflow.iop_pruned` (serialized with the document): the case diagram still marks those
elements as passed and a migration still requires them unchanged in the target version.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

FINISHED = TaskState.COMPLETED | TaskState.CANCELLED
PRUNED = "iop_pruned"
KEEP_ABOVE = 3  # finished tasks kept above each unfinished one: what gateways and joins look back at


def pruned(workflow: BpmnWorkflow) -> set[tuple[str, str]]:
    """(process name, task spec name) of every task compaction removed from this workflow."""
    found = getattr(workflow, PRUNED, None)
    if found is None:
        found = set()
        setattr(workflow, PRUNED, found)
    return found  # type: ignore[no-any-return]


def compact(workflow: BpmnWorkflow) -> int:
    """Remove finished history (see the module's docstring); return how many tasks were removed."""
    removed = _finished_subprocesses(workflow)
    for wf in [workflow, *workflow.subprocesses.values()]:
        removed += _trim(workflow, wf)
    return removed


def _finished_subprocesses(top: BpmnWorkflow) -> int:
    removed = 0
    for task_id, sub in list(top.subprocesses.items()):
        if task_id not in top.subprocesses or not sub.completed:
            continue
        owner = top.get_task_from_id(task_id)
        if owner is None or not owner.has_state(FINISHED):
            continue
        gone = top.delete_subprocess(owner)
        _remember(top, gone)
        removed += len(gone)
    return removed


def _trim(top: BpmnWorkflow, wf: Any) -> int:
    unfinished = [t for t in wf.tasks.values() if not t.has_state(FINISHED)]
    if not unfinished:
        return 0  # a finished (sub)process: nothing runs here any more, and the record is small
    protected = {wf.task_tree.id}
    if wf.last_task is not None:
        protected.add(wf.last_task.id)
    for task in unfinished:
        node: Task | None = task
        for _ in range(KEEP_ABOVE + 1):
            if node is None:
                break
            protected.add(node.id)
            node = node.parent
    gone: list[Task] = []
    # finished branches that lead nowhere (cancelled boundary events, ended parallel branches); children
    # come after their parents in creation order, so walking backwards removes a dead branch whole
    for task in reversed(list(wf.tasks.values())):
        if task.id in protected or task._children or not task.has_state(FINISHED):
            continue
        parent = task.parent
        if parent is not None:
            parent._children.remove(task.id)
        gone.append(task)
        del wf.tasks[task.id]
    # completed links of a chain: the child hangs from the grandparent instead (its data is complete in
    # memory; it is stored as a delta against its new parent). A join keeps its parent, which it reads.
    for task in list(wf.tasks.values()):
        if task.id in protected or len(task._children) != 1 or task.state != TaskState.COMPLETED:
            continue
        parent = task.parent
        child = wf.tasks.get(task._children[0])
        if parent is None or child is None or len(getattr(child.task_spec, "inputs", ())) > 1:
            continue
        parent._children[parent._children.index(task.id)] = child.id
        child._parent = parent.id
        gone.append(task)
        del wf.tasks[task.id]
    for task in gone:
        if task.id in top.subprocesses:
            _remember(top, top.delete_subprocess(task))
    _remember(top, gone)
    return len(gone)


def _remember(top: BpmnWorkflow, tasks: list[Task]) -> None:
    record = pruned(top)
    for task in tasks:
        record.add((task.workflow.spec.name, task.task_spec.name))
