"""The sweep: exactly once across crashes, restarts, failures and two schedulers at the same time."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from app.engine.incidents import incident_message
from app.jobs.timer_sweep import fire_due_timers
from app.models import Case, CaseEvent
from app.services import Services, build_services
from tests.timers.helpers import case_row, deploy, fired, local, move, start

AFTER_ALL = local("2028-03-15 12:00")  # past the three timers of timer_renewal for an end of 2028-02-29


class SimulatedCrash(BaseException):
    """The process dies: not an error the sweep handles, it unwinds everything."""


def _start_many(services: Services, count: int) -> list[int]:
    services.clock.set(local("2027-01-10 10:00"))  # type: ignore[attr-defined]
    return [start(services, "timer_renewal", {"agreement_end": "2028-02-29", "log": []}) for _ in range(count)]


def _restarted(services: Services) -> Services:
    """A new scheduler process: new engine, caches and connections on the same database and clock."""
    return build_services(services.settings, services.clock)


def test_crash_between_firing_and_commit_loses_and_duplicates_nothing(services: Services, people: Any) -> None:
    deploy(services)
    [case_id] = _start_many(services, 1)
    services.clock.set(local("2027-06-01 00:00"))  # type: ignore[attr-defined]
    seen: list[int] = []

    def crash(session: Any, case: Case, firings: list[Any]) -> None:
        seen.append(len(firings))
        raise SimulatedCrash

    with pytest.raises(SimulatedCrash):
        fire_due_timers(services, on_fired=crash)
    assert seen == [1]  # it did fire, inside the transaction
    assert fired(services, case_id) == []
    assert case_row(services, case_id).next_timer_at == local("2027-05-29 00:00")
    # the same process sweeps again, then a restarted one: the timer fires once in all
    assert fire_due_timers(services) == 1
    assert fire_due_timers(_restarted(services)) == 0
    assert [e.task_name for e in fired(services, case_id)] == ["t_dialogue"]
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        workflow, _ = services.engine.load(s, case)
        assert [line[:9] for line in workflow.last_task.data.get("log", [])] == ["dialogue "]


def test_restart_in_the_middle_of_catching_up(services: Services, people: Any) -> None:
    deploy(services)
    ids = _start_many(services, 4)
    services.clock.set(AFTER_ALL)  # type: ignore[attr-defined]
    first = fire_due_timers(services, limit=2)  # then the process stops
    assert first == 6
    second = fire_due_timers(_restarted(services))
    assert second == 6
    assert fire_due_timers(_restarted(services)) == 0
    counts = Counter((e.case_id, e.task_name) for e in fired(services))
    assert set(counts.values()) == {1}
    assert len(counts) == 12
    for case_id in ids:
        assert case_row(services, case_id).next_timer_at is None


def test_one_failing_case_is_recorded_and_does_not_stop_the_sweep(services: Services, people: Any) -> None:
    deploy(services)
    services.clock.set(local("2027-01-10 10:00"))  # type: ignore[attr-defined]
    broken = start(services, "timer_renewal", {"agreement_end": "2028-02-29"})  # no "log": its script fails
    healthy = start(services, "timer_renewal", {"agreement_end": "2028-02-29", "log": []})
    move(services, local("2027-06-01 00:00"))
    assert [e.task_name for e in fired(services, healthy)] == ["t_dialogue"]
    with services.unit_of_work() as s:
        [incident] = s.scalars(select(CaseEvent).where(CaseEvent.case_id == broken, CaseEvent.kind == "incident"))
        assert "log" in incident.data["detail"] and incident.data["code"] == "script"
        assert incident_message(incident.data, "sv").startswith("Steget ")
    row = case_row(services, broken)
    assert row.status == "failed" and row.next_timer_at is None  # stopped: an administrator decides (no retry)
    assert case_row(services, healthy).status == "running"
    assert fire_due_timers(services) == 0  # not retried by itself


def test_two_schedulers_at_the_same_time_fire_each_timer_once(services: Services, people: Any) -> None:
    deploy(services)
    ids = _start_many(services, 12)
    services.clock.set(AFTER_ALL)  # type: ignore[attr-defined]
    schedulers = [_restarted(services), _restarted(services)]
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(svc: Services) -> None:
        try:
            barrier.wait()
            results.append(fire_due_timers(svc))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(svc,)) for svc in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    results.append(fire_due_timers(services))  # whatever a lost race left for the next sweep
    counts = Counter((e.case_id, e.task_name) for e in fired(services))
    assert len(counts) == 3 * len(ids)
    assert set(counts.values()) == {1}
    assert sum(results) == 3 * len(ids)
    for svc in schedulers:
        svc.db.dispose()
