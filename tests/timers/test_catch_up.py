"""A catch-up fires every due firing once, in order, each at its own due instant (finding 10).

`timer_cycle3` fires a yearly boundary cycle three times ("R3/<anchor>/P1Y"); each firing runs a
script (`done = today()`) and then waits at a user task `check`, so the open tasks show which day
each firing's path saw as today.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.models import Case
from app.services import Services, build_services
from tests.timers.helpers import case_row, deploy, fired, local, move, start

DUES = ["2038-01-01", "2039-01-01", "2040-01-01"]


def _start(services: Services) -> int:
    deploy(services)
    services.clock.set(local("2037-06-01 09:00"))  # type: ignore[attr-defined]
    return start(services, "timer_cycle3", {"anchor": "2038-01-01"})


def _seen_by_paths(services: Services, case_id: int) -> list[str]:
    """The `done` (today() inside the firing's path) of every waiting `check` task, in path order."""
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        workflow, _ = services.engine.load(s, case)
        checks = [t for t in workflow.tasks.values() if t.task_spec.bpmn_id == "check"]
        return sorted(str(t.data.get("done")) for t in checks)


def _assert_three_in_order(services: Services, case_id: int) -> None:
    events = fired(services, case_id)
    assert [e.task_name for e in events] == ["yearly"] * 3
    assert [datetime.fromisoformat(e.data["due"]) for e in events] == [local(f"{d} 00:00") for d in DUES]
    assert _seen_by_paths(services, case_id) == DUES
    assert case_row(services, case_id).next_timer_at is None


def test_all_three_firings_of_a_cycle_due_in_one_catch_up_fire(services: Services, people: Any) -> None:
    case_id = _start(services)
    assert case_row(services, case_id).next_timer_at == local("2038-01-01 00:00")
    assert move(services, local("2041-01-01 12:00")) == 3
    _assert_three_in_order(services, case_id)
    assert move(services, local("2045-01-01 12:00")) == 0


def test_the_last_two_firings_due_in_one_catch_up_both_fire(services: Services, people: Any) -> None:
    case_id = _start(services)
    assert move(services, local("2038-01-01 00:00")) == 1
    assert move(services, local("2041-01-01 12:00")) == 2
    _assert_three_in_order(services, case_id)


def test_the_cycle_moved_one_firing_at_a_time(services: Services, people: Any) -> None:
    case_id = _start(services)
    for day in DUES:
        assert move(services, local(f"{day} 00:00")) == 1
    assert move(services, local("2041-01-01 12:00")) == 0
    _assert_three_in_order(services, case_id)


def test_catch_up_across_a_restart_fires_nothing_twice(services: Services, people: Any) -> None:
    case_id = _start(services)
    assert move(services, local("2039-06-01 12:00")) == 2
    restarted = build_services(services.settings, services.clock)  # a new scheduler process, same database
    assert move(restarted, local("2041-01-01 12:00")) == 1
    assert move(restarted, local("2041-01-01 12:00")) == 0
    assert move(build_services(services.settings, services.clock), local("2042-01-01 12:00")) == 0
    _assert_three_in_order(services, case_id)
