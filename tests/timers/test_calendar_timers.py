"""Timer due times as a person means them, in Europe/Stockholm, governed by the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.services import Services
from tests.timers.helpers import case_row, complete, deploy, fired, local, move, open_tasks, start

MINUTE = timedelta(minutes=1)


def test_nine_months_before_leap_day_fires_on_29_may_at_midnight_not_a_minute_earlier(
        services: Services, people: Any) -> None:
    deploy(services)
    services.clock.set(local("2027-01-10 10:00"))  # type: ignore[attr-defined]
    case_id = start(services, "timer_renewal", {"agreement_end": "2028-02-29", "log": []})
    due = local("2027-05-29 00:00")
    assert case_row(services, case_id).next_timer_at == due
    assert due.utcoffset() == timedelta(hours=2)
    assert move(services, due - MINUTE) == 0
    assert fired(services, case_id) == []
    assert move(services, due) == 1
    [event] = fired(services, case_id)
    assert event.task_name == "t_dialogue"
    assert datetime.fromisoformat(event.data["due"]) == due
    # the next timer is a plain date: 00:00 Stockholm on 2027-11-29 (winter time)
    assert case_row(services, case_id).next_timer_at == local("2027-11-29 00:00")
    assert case_row(services, case_id).next_timer_at == datetime(2027, 11, 28, 23, 0, tzinfo=UTC)


def test_timers_already_past_when_reached_fire_at_once_and_are_recorded(services: Services, people: Any) -> None:
    """Started late (2026-11-23): the dialogue and deadline dates are past, P3M counts from now."""
    deploy(services)
    case_id = start(services, "timer_renewal", {"agreement_end": "2026-12-31", "log": []})
    assert [e.task_name for e in fired(services, case_id)] == ["t_dialogue", "t_deadline"]
    assert case_row(services, case_id).next_timer_at == local("2027-02-23 09:00")
    assert move(services, local("2027-02-23 08:59")) == 0
    assert move(services, local("2027-02-23 09:00")) == 1


def test_month_end_duration_and_order(services: Services, people: Any) -> None:
    """P3M after 29 Nov 2027 is 29 Feb 2028; the three timers fire in order with their own dates."""
    deploy(services)
    services.clock.set(local("2027-01-10 10:00"))  # type: ignore[attr-defined]
    case_id = start(services, "timer_renewal", {"agreement_end": "2028-02-29", "log": []})
    assert move(services, local("2028-03-15 12:00")) == 3  # "downtime": all three were missed
    events = fired(services, case_id)
    assert [e.task_name for e in events] == ["t_dialogue", "t_deadline", "t_end"]
    assert [datetime.fromisoformat(e.data["due"]) for e in events] == [
        local("2027-05-29 00:00"), local("2027-11-29 00:00"), local("2028-02-29 00:00")]
    [task] = open_tasks(services, case_id)
    assert task.name == "close"
    assert case_row(services, case_id).next_timer_at is None


def test_yearly_cycle_from_leap_day(services: Services, people: Any) -> None:
    deploy(services)
    services.clock.set(local("2024-01-15 09:00"))  # type: ignore[attr-defined]
    case_id = start(services, "timer_yearly", {"anchor": "2024-02-29"})
    expected = ["2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]
    seen = []
    for day in expected:
        due = local(f"{day} 00:00")
        assert case_row(services, case_id).next_timer_at == due
        assert move(services, due - MINUTE) == 0
        assert move(services, due) == 1
        seen.append(fired(services, case_id)[-1].data["due"][:10])
    assert seen == expected
    assert move(services, local("2030-01-01 00:00")) == 0
    assert len(fired(services, case_id)) == 5


def test_yearly_cycle_after_downtime_fires_each_year_once_in_order(services: Services, people: Any) -> None:
    deploy(services)
    services.clock.set(local("2024-01-15 09:00"))  # type: ignore[attr-defined]
    case_id = start(services, "timer_yearly", {"anchor": "2024-02-29"})
    assert move(services, local("2027-03-01 00:00")) == 4
    assert [e.data["due"][:10] for e in fired(services, case_id)] == [
        "2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28"]
    assert case_row(services, case_id).next_timer_at == local("2028-02-29 00:00")


def test_nine_oclock_deadline_across_spring_and_autumn_clock_changes(services: Services, people: Any) -> None:
    deploy(services)
    for before, after in (("2027-03-20", "2027-03-29"), ("2027-10-25", "2027-11-01")):
        services.clock.set(local(f"{before} 09:00"))  # type: ignore[attr-defined]
        case_id = start(services, "timer_deadline", {"deadline_day": after})
        due = local(f"{after} 09:00")
        assert case_row(services, case_id).next_timer_at == due
        assert move(services, due - MINUTE) == 0
        assert move(services, due) == 1
        assert [t.name for t in open_tasks(services, case_id)] == ["escalated"]
    assert local("2027-03-29 09:00").astimezone(UTC).hour == 7
    assert local("2027-11-01 09:00").astimezone(UTC).hour == 8


def test_one_day_duration_keeps_nine_oclock_over_the_clock_change(services: Services, people: Any) -> None:
    deploy(services)
    for day, next_day in (("2027-03-27", "2027-03-28"), ("2027-10-30", "2027-10-31")):
        services.clock.set(local(f"{day} 08:00"))  # type: ignore[attr-defined]
        case_id = start(services, "timer_deadline", {"deadline_day": "2030-01-01"})
        services.clock.set(local(f"{day} 09:00"))  # type: ignore[attr-defined]
        complete(services, case_id, "review", {"note": "klart"})
        due = local(f"{next_day} 09:00")
        assert case_row(services, case_id).next_timer_at == due  # 23 or 25 hours later, 09:00 local
        assert move(services, due - MINUTE) == 0
        assert move(services, due) == 1
        assert [t.name for t in open_tasks(services, case_id)] == ["next_day"]
