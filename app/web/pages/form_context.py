"""What a task's form needs to know from the running case: the task's data (for `x-keys-from`)."""

from __future__ import annotations

from typing import Any

from app.engine.form_keys import KEYS_FROM
from app.engine.workflow_tasks import find_task
from app.models import Case
from app.web.context import db, services


def needs_task_data(schema: Any) -> bool:
    """Whether some property of the form (at any depth) takes its keys from the task's data."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if KEYS_FROM in node:
                return True
            stack.extend(v for k, v in node.items() if not str(k).startswith("x-"))
        elif isinstance(node, list):
            stack.extend(node)
    return False


def task_data(case: Case, task_id: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The open task's data (read only), or {} when the form does not need it or the task is gone."""
    if not needs_task_data(schema):
        return {}
    engine = services().engine
    session = db()
    workflow, _ = engine.load(session, case)
    engine.cache.stage(session, case, workflow)  # handed back to the cache if this request commits
    task = find_task(workflow, task_id)
    return dict(task.data) if task is not None else {}
