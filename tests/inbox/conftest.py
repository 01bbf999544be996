"""A Falun case at the lawyer's step, copied into many open tasks (bench.inbox_bench.clone_open_tasks)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from app.models import Case, OpenTask
from app.services import Services
from bench.inbox_bench import clone_open_tasks
from tests import falun_steps as steps
from tests.api.helpers import complete, start


def to_lawyer(api: Any) -> dict[str, Any]:
    """A real Falun case of org_a at the legal assessment (the lawyer's task)."""
    org = api("org_a")
    case = start(org)
    complete(org, case["id"], "checklist", steps.CHECKLIST)
    return complete(org, case["id"], "initiative", steps.INITIATIVE)


@pytest.fixture
def lawyer_tasks(api: Any, services: Services) -> Any:
    """`make(n)`: the real case plus n copies of its lawyer task (due dates spread around now, some without)."""
    def make(count: int) -> dict[str, Any]:
        case = to_lawyer(api)
        clone_open_tasks(services, role="lawyer", municipality="falun", count=count, organisations=4)
        return case

    return make


def task_names(services: Services) -> dict[str, str]:
    with services.unit_of_work() as s:
        return {t.id: c.registration_number for t, c in s.execute(
            select(OpenTask, Case).join(Case, Case.id == OpenTask.case_id)).all()}


class Statements:
    """Counts the SQL statements the app's engine runs."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.seen: list[str] = []

    def __enter__(self) -> Statements:
        self.seen = []
        event.listen(self.services.db, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.services.db, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.seen.append(statement)
