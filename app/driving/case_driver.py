"""One case driven in this process: start it, list its open tasks, complete one as a user with data,
move the injected clock, fire what is due and read the case back.

A named user acts through app.domain.task_actions, exactly as the pages and the API do (permission,
claims, attachments, late renewals, the form's validation). Without a user the system acts: the engine
completes the task (it still validates the form), as a timer or an import would. The clock is the
services' injected clock; `at`, `advance_to` and `set_clock` move it (a ManualClock or the stored clock),
and `fire` runs the real timer sweep (app.jobs.timer_sweep.fire_due_timers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import calendar
from app.core.municipal_settings import settings_of
from app.core.statuses import CaseStatus
from app.domain import task_actions
from app.domain.accounts import municipality_by_slug, organisation_by_number
from app.jobs.timer_sweep import fire_due_timers
from app.models import Case, OpenTask, User
from app.services import Services

WORK_TIME = time(9, 0)  # people act at nine in the morning, local time, unless told otherwise

Actor = User | str | None  # a user, a username, or None for the system


class TaskNotOpen(LookupError):
    """The case has no open task of that name."""


class SettableClock(Protocol):
    def set(self, when: datetime) -> None: ...


def local_moment(day: date, wall: time = time(0, 0)) -> datetime:
    """`wall` o'clock on `day` in the municipalities' time zone, as an aware moment."""
    return calendar.at_local_time(day, wall)


def with_clock(services: Services, clock: Any) -> Services:
    """The same database and definitions, driven by `clock` (to replay a history on its own clock)."""
    engine = services.engine.with_clock(clock)  # the same listeners (mail, agreement projection)
    return replace(services, clock=clock, engine=engine)


def next_timer_at(services: Services, case_id: int) -> datetime | None:
    """When the case's next timer is due (cases.next_timer_at, set by the engine on every save); None unless running."""
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        if case is None or case.status != CaseStatus.RUNNING:
            return None
        return case.next_timer_at


def _settable(services: Services) -> SettableClock:
    clock = services.clock
    if not callable(getattr(clock, "set", None)):
        raise TypeError("driving the clock needs services with a settable clock (ManualClock or the stored clock)")
    return clock  # type: ignore[return-value]


def set_clock(services: Services, when: datetime) -> None:
    """Put the services' clock at `when`."""
    _settable(services).set(when)


def move_clock(services: Services, when: datetime, *, mail: bool = True) -> int:
    """Put the clock at `when` and run the timer sweep; how many timers fired."""
    set_clock(services, when)
    return fire_due_timers(services, mail=mail)


def _actor(session: Session, actor: Actor) -> User | None:
    if isinstance(actor, str):
        return session.scalar(select(User).where(User.username == actor))
    if actor is not None:
        return session.get(User, actor.id)
    return None


@contextmanager
def _unit(services: Services, session: Session | None) -> Iterator[Session]:
    """The caller's session when given (the caller commits), else a unit of work of its own."""
    if session is not None:
        yield session
    else:
        with services.unit_of_work() as s:
            yield s


def start_case(services: Services, municipality: str, org_number: str, *, process_id: str | None = None,
               actor: Actor = None, data: Mapping[str, Any] | None = None, session: Session | None = None) -> int:
    """Start a case for the organisation; the municipality's first process unless `process_id` is named.
    A user starts it as the portal and the API do (task_actions.start_case); None starts it as the system.
    With `session` it happens in the caller's unit of work."""
    with _unit(services, session) as s:
        user = _actor(s, actor)
        if user is not None:
            case = task_actions.start_case(s, services.engine, user, municipality, process_id,
                                           dict(data) if data is not None else None, organisation=org_number)
        else:
            muni = municipality_by_slug(s, municipality)
            offered = settings_of(muni).processes
            chosen = process_id or (offered[0] if offered else "")
            case = services.engine.start_case(s, municipality=muni, organisation=organisation_by_number(s, org_number),
                                              process_id=chosen, actor=None,
                                              data=dict(data) if data is not None else None)
        return case.id


class CaseDriver:
    """One case: its open tasks, completing them, the clock and the timers.

    Each step is a unit of work of its own (committed, like one request), unless `session` is given: then
    every step happens in that session and the caller commits them together."""

    def __init__(self, services: Services, case_id: int, *, mail: bool = True, session: Session | None = None) -> None:
        self.services = services
        self.case_id = case_id
        self.mail = mail  # whether the timer sweep sends reminder mail (not for replayed time)
        self.session = session

    def _unit(self) -> Any:
        return _unit(self.services, self.session)

    @classmethod
    def start(cls, services: Services, municipality: str, org_number: str, *, process_id: str | None = None,
              actor: Actor = None, data: Mapping[str, Any] | None = None, mail: bool = True) -> CaseDriver:
        case_id = start_case(services, municipality, org_number, process_id=process_id, actor=actor, data=data)
        return cls(services, case_id, mail=mail)

    # ------------------------------------------------------------------ reading
    @property
    def clock(self) -> Any:
        return self.services.clock

    def open_tasks(self) -> list[OpenTask]:
        """The case's open tasks, oldest first (detached rows)."""
        with self._unit() as s:
            rows = list(s.scalars(select(OpenTask).where(OpenTask.case_id == self.case_id)
                                  .order_by(OpenTask.created_at, OpenTask.id)))
            if self.session is None:
                s.expunge_all()
            return rows

    def names(self) -> list[str]:
        return sorted(t.name for t in self.open_tasks())

    def task(self, name: str) -> OpenTask:
        """The oldest open task named `name`; TaskNotOpen if there is none."""
        for task in self.open_tasks():
            if task.name == name:
                return task
        raise TaskNotOpen(f"{name} is not open; open: {self.names()}")

    def case(self) -> Case:
        with self._unit() as s:
            case = s.get(Case, self.case_id)
            assert case is not None
            if self.session is None:
                s.expunge(case)
            return case

    def next_timer(self) -> datetime | None:
        return next_timer_at(self.services, self.case_id)

    # ------------------------------------------------------------------ acting
    def complete(self, name: str, data: Mapping[str, Any] | None = None, actor: Actor = None,
                 *, task: OpenTask | None = None) -> Case:
        """Complete the open task `name` (or the given `task`) with `data`, as `actor` (None: the system)."""
        task_id = task.id if task is not None else self.task(name).id
        with self._unit() as s:
            user = _actor(s, actor)
            if user is not None:
                return task_actions.complete(s, self.services.engine, user, task_id, dict(data or {}))
            case = s.get(Case, self.case_id)
            assert case is not None
            return self.services.engine.complete_task(s, case, task_id, None, dict(data or {}))

    def complete_all(self, steps: list[tuple[str, Mapping[str, Any]]], actor: Actor = None) -> None:
        for name, data in steps:
            self.complete(name, data, actor)

    # ------------------------------------------------------------------ the clock and the timers
    def set_clock(self, when: datetime) -> None:
        set_clock(self.services, when)

    def at(self, day: date | str, wall: time = WORK_TIME) -> None:
        """Set the clock to a moment of a local day (never backwards)."""
        moment = local_moment(date.fromisoformat(str(day)), wall)
        if moment > self.services.clock.now():
            self.set_clock(moment)

    def fire(self) -> int:
        """Run the timer sweep on the services' clock; how many timers fired."""
        return fire_due_timers(self.services, mail=self.mail)

    def advance_to(self, moment: datetime) -> int:
        """Move the clock forward to `moment` (never backwards) and fire what is due."""
        if moment > self.services.clock.now():
            self.set_clock(moment)
        return self.fire()

    def run_until(self, day: date, act: Callable[[CaseDriver], bool] | None = None, limit: int = 2000) -> None:
        """Fire every timer due up to the start of `day`, one at a time; `act` may complete tasks between
        timers (it returns True when it did something)."""
        stop = local_moment(day)
        for _ in range(limit):
            if act is not None and act(self):
                continue
            due = self.next_timer()
            if due is None or due >= stop:
                break
            self.advance_to(due + timedelta(seconds=1))
        if stop > self.services.clock.now():
            self.set_clock(stop)
            self.fire()
