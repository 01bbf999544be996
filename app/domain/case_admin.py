"""The administrator's repair actions on a case, behind the pages and the API: each checks who may act,
checks the input, calls the engine (app.engine.incidents) and leaves an event in the case history with
the actor and ``data["reason"]``.

A case the caller may not see is a 404 (as everywhere); one they may see but not repair is a 403.
Functions flush but never commit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, Forbidden, InvalidData, NotFound
from app.core.roles import Role
from app.domain import memberships, permissions
from app.domain.task_actions import get_case
from app.engine import history, incidents
from app.engine.events import TaskAssigned
from app.engine.runtime import CaseEngine
from app.models import Case, CaseEvent, OpenTask, User

MAX_REASON = 2000
ACTIONS = ("retry", "skip", "suspend", "resume", "cancel")
REASON_REQUIRED = ("skip", "suspend", "cancel")
_REFUSED = "only the municipality's administrators can repair a case"


def clean_reason(raw: Any, required: bool) -> str:
    """The reason as typed (trimmed); InvalidData naming the field `reason` when missing or unusable."""
    if raw is not None and not isinstance(raw, str):
        raise InvalidData("reason must be text", {"reason": "must be text"})
    reason = (raw or "").strip()
    if required and not reason:
        raise InvalidData("reason is required: say briefly why", {"reason": "required"})
    if len(reason) > MAX_REASON:
        raise InvalidData("the reason is too long", {"reason": f"at most {MAX_REASON} characters"})
    if "\x00" in reason:
        raise InvalidData("reason contains a NUL character", {"reason": "contains a NUL character"})
    return reason


def repairable_case(session: Session, user: User, case_id: int) -> Case:
    case = get_case(session, user, case_id)  # 404 when the user may not see it
    if not permissions.can_repair_case(user, case):
        raise Forbidden(_REFUSED)
    return case


def act(session: Session, engine: CaseEngine, user: User, case_id: int, action: str, reason: Any) -> Case:
    """retry, skip, suspend, resume or cancel the case, with the reason (required for skip, suspend, cancel)."""
    if action not in ACTIONS:
        raise NotFound("no such action")
    case = repairable_case(session, user, case_id)
    event = {"reason": clean_reason(reason, action in REASON_REQUIRED)}
    operation = {"retry": incidents.retry, "skip": incidents.skip, "suspend": incidents.suspend,
                 "resume": incidents.resume, "cancel": incidents.cancel}[action]
    return operation(engine, session, case, user, event)


def parse_due(raw: Any, tz: Any) -> datetime | date:
    """A date (YYYY-MM-DD: the timer keeps its time of day) or a date and time (ISO 8601; without an
    offset it is local time)."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidData("due is required: the new date (YYYY-MM-DD)", {"due": "required"})
    text = raw.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if not 2000 <= day.year <= 2200:
                raise ValueError(text)
            return day
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidData("due must be a date such as 2027-05-01 (or a date and time)",
                          {"due": "a date such as 2027-05-01"}) from None
    if not 2000 <= moment.year <= 2200:
        raise InvalidData("due must be a date between the years 2000 and 2200", {"due": "year 2000-2200"})
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def move_timer(session: Session, engine: CaseEngine, user: User, case_id: int, timer: str, due: Any,
               reason: Any) -> Case:
    case = repairable_case(session, user, case_id)
    when = parse_due(due, engine.clock.tz)
    event = {"reason": clean_reason(reason, True)}
    day = when.astimezone(engine.clock.tz).date() if isinstance(when, datetime) else when
    if day < engine.clock.today():
        raise InvalidData("the new date has passed; choose today or a later date", {"due": "today or later"})
    return incidents.move_timer(engine, session, case, user, timer, when, event)


def reassignable_task(session: Session, user: User, task_id: str,
                      case_id: int | None = None) -> tuple[OpenTask, Case]:
    task = session.get(OpenTask, task_id) if isinstance(task_id, str) and len(task_id) <= 64 else None
    if task is not None and case_id is not None and task.case_id != case_id:
        task = None  # the page's address names another case
    case = session.get(Case, task.case_id) if task is not None else None
    if task is None or case is None or not permissions.can_view_case(user, case):
        raise NotFound("the task does not exist or is no longer open")
    if not permissions.can_reassign(user, task):
        raise Forbidden("only administrators and process owners of the municipality can reassign a task")
    return task, case


def eligible_users(session: Session, task: OpenTask) -> list[User]:
    """The people who may hold the task: its role, where it lives, active."""
    query = select(User).where(User.active.is_(True))
    if task.role == Role.ORGANISATION:
        query = query.where(User.role == task.role, User.organisation_id == task.organisation_id)
    else:  # whoever holds the role there, as their own municipality or as another of their memberships
        query = query.where(User.id.in_(memberships.holder_ids(task.role, task.municipality_id)))
    return [u for u in session.scalars(query.order_by(User.username).limit(500)) if _may_hold(session, u, task)]


def _may_hold(session: Session, user: User, task: OpenTask) -> bool:
    """`user` holds the task's role where it lives: for a municipal task through any of their memberships."""
    if task.role == Role.ORGANISATION:
        return permissions.is_potential_owner(user, task)
    return user.active and memberships.holds(session, user.id, task.role, task.municipality_id)


def assign(session: Session, engine: CaseEngine, user: User, task_id: str, username: Any,
           reason: Any = None, case_id: int | None = None) -> OpenTask:
    """Give the open task to `username`, who must hold the task's role where the task lives (and belongs to
    the case `case_id`, when given)."""
    task, case = reassignable_task(session, user, task_id, case_id)
    incidents.ensure_open(case)
    if not isinstance(username, str) or not username.strip():
        raise InvalidData("username is required: the person who gets the task", {"username": "required"})
    name = username.strip()[:80]
    target = session.scalar(select(User).where(User.username == name))
    if target is None:
        raise InvalidData(f"there is no user named {name!r}", {"username": "no such user"})
    if not _may_hold(session, target, task):
        raise InvalidData(f"{name} cannot hold this task: it needs the role {task.role} in the "
                          f"{'organisation' if task.role == 'organisation' else 'municipality'} of the case",
                          {"username": f"does not hold the role {task.role} here"})
    text = clean_reason(reason, False)
    previous = None
    if task.assignee_id is not None:
        previous = session.scalar(select(User.username).where(User.id == task.assignee_id))
    if task.assignee_id == target.id:
        raise Conflict(f"the task is already assigned to {name}")
    task.assignee_id = target.id
    now = engine.clock.now()
    case.updated_at = now  # bumps the case version: a racing claim or completion conflicts
    history.append(session, CaseEvent(
        case_id=case.id, at=now, actor_id=user.id, actor_name=user.display_name or user.username,
        kind="task_assigned", task_name=task.name, title=task.title,
        data={"task_id": task.id, "username": name, "previous": previous, "reason": text}))
    session.flush()
    engine.events.announce(TaskAssigned(engine.step(session, case, user), task))
    return task
