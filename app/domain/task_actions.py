"""Use cases behind the pages and the API: each checks permission, then calls the engine.

Functions flush but never commit; the request or job that called them commits
(see app.services.unit_of_work), which is also where a stale case version turns
into a Conflict.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, Forbidden, InvalidData, NotFound
from app.core.municipal_settings import settings_of
from app.core.roles import Role
from app.domain import idea_meetings, permissions, start_data
from app.domain.accounts import AccountError, municipality_by_slug, organisation_by_number
from app.domain.agreements import late_renewal
from app.domain.state_aid import decisions as state_aid
from app.engine import history, incidents
from app.engine.events import TaskAssigned
from app.engine.runtime import CaseEngine
from app.models import Attachment, Case, CaseEvent, OpenTask, Organisation, User

WITHDRAW_MESSAGE = "withdraw"


def get_task(session: Session, user: User, task_id: str) -> OpenTask:
    try:
        task_id = str(uuid.UUID(task_id))
    except ValueError:
        raise NotFound("the task does not exist or is no longer open") from None
    task = session.get(OpenTask, task_id)
    if task is None or not permissions.can_view_task(user, task):
        # A task that exists but is not the caller's looks the same as one that does not exist.
        raise NotFound("the task does not exist or is no longer open")
    return task


def open_task(session: Session, user: User, task_id: str) -> OpenTask:
    """The open task; a task completed meanwhile on a case the user may see is a Conflict, not a 404."""
    try:
        return get_task(session, user, task_id)
    except NotFound:
        event = session.scalars(select(CaseEvent).where(CaseEvent.kind == "task_completed",
                                                        CaseEvent.data["task_id"].as_string() == task_id)).first()
        if event is not None:
            case = session.get(Case, event.case_id)
            if case is not None and permissions.can_view_case(user, case):
                raise Conflict("the task has already been completed") from None
        raise


def get_case(session: Session, user: User, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or not permissions.can_view_case(user, case):
        raise NotFound("the case does not exist")
    return case


def claim(session: Session, engine: CaseEngine, user: User, task_id: str) -> OpenTask:
    task = open_task(session, user, task_id)
    incidents.ensure_open(session.get(Case, task.case_id))  # a paused case: 409
    if not permissions.is_potential_owner(user, task):
        raise Forbidden("your role cannot work on this task")
    if task.assignee_id not in (None, user.id):
        raise Conflict("someone else has already claimed the task")
    task.assignee_id = user.id
    _touch(session, engine, user, task, "task_claimed")
    case = session.get(Case, task.case_id)
    if case is not None:
        engine.events.announce(TaskAssigned(engine.step(session, case, user), task))
    return task


def unclaim(session: Session, engine: CaseEngine, user: User, task_id: str) -> OpenTask:
    task = open_task(session, user, task_id)
    if not permissions.can_unclaim(user, task):
        raise Forbidden("only the person who claimed the task (or an administrator) can release it")
    task.assignee_id = None
    _touch(session, engine, user, task, "task_unclaimed")
    return task


def _touch(session: Session, engine: CaseEngine, user: User, task: OpenTask, kind: str) -> None:
    case = session.get(Case, task.case_id)
    assert case is not None
    case.updated_at = engine.clock.now()  # bumps the case version: a racing claim or completion conflicts
    history.append(session, CaseEvent(case_id=task.case_id, at=engine.clock.now(), actor_id=user.id,
                          actor_name=user.display_name or user.username, kind=kind, task_name=task.name,
                          title=task.title, data={"task_id": task.id}))
    session.flush()


def complete(session: Session, engine: CaseEngine, user: User, task_id: str, data: Any,
             lang: str = "sv") -> Case:
    task = open_task(session, user, task_id)
    if not permissions.is_potential_owner(user, task):
        raise Forbidden("your role cannot complete this task")
    if task.assignee_id not in (None, user.id):
        raise Conflict("someone else has claimed the task")
    if not isinstance(data, dict):
        raise InvalidData("the task data must be an object", {"data": "must be an object"})
    if task.form is None and data:  # a task without a form takes no data (with a form: its fields only)
        unknown = sorted(data)
        raise InvalidData(f"this task has no form and takes no data; not accepted: {', '.join(unknown)}",
                          dict.fromkeys(unknown, "this task takes no data"))
    case = session.get(Case, task.case_id)
    assert case is not None
    _check_attachments(session, case, data)
    late = late_renewal.check(session, engine.clock, case, task, data, lang)  # refused: InvalidData (422)
    state_aid.check(session, case, task.name, data, engine.clock.today(), lang)  # above the ceiling: 422
    # Gävle: a held meeting dated after today, or no agreement before an idea meeting: 422
    idea_meetings.check(session, case, task.name, data, engine.clock.today(), lang)
    done = engine.complete_task(session, case, task_id, user, data, lang)
    if late is not None:  # the municipality warns: the decision stands and the history says it came late
        late_renewal.record(session, engine.clock, done, user, late)
    return done


def _check_attachments(session: Session, case: Case, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
            ids = [v["id"] for v in value]
            if not all(isinstance(i, int) for i in ids):
                raise InvalidData("attachment ids must be numbers", {key: "invalid attachment reference"})
            found = set(session.scalars(select(Attachment.id).where(Attachment.case_id == case.id,
                                                                    Attachment.id.in_(ids))))
            if found != set(ids):
                raise InvalidData("an attachment does not belong to this case",
                                  {key: "unknown attachment for this case"})


def start_case(session: Session, engine: CaseEngine, user: User, municipality: str,
               process: str | None = None, data: Any = None,
               organisation: str | None = None, lang: str = "en") -> Case:
    """Start a case; `data` may hold only the fields of the process's start form (app.domain.start_data)."""
    if not permissions.can_start_case(user):
        raise Forbidden("your role cannot start cases")
    try:
        muni = municipality_by_slug(session, municipality)
    except AccountError as exc:
        raise InvalidData(str(exc), {"municipality": str(exc)}) from exc
    if user.role == Role.ORGANISATION:
        org = session.get(Organisation, user.organisation_id) if user.organisation_id else None
        if org is None:
            raise Forbidden("your account is not linked to an organisation")
        if organisation and organisation.replace("-", "") != org.org_number.replace("-", ""):
            raise Forbidden("you can only start cases for your own organisation")
    else:
        if user.municipality_id != muni.id:
            raise Forbidden("you can only start cases in your own municipality")
        if not organisation:
            raise InvalidData("name the organisation the case is for",
                              {"organisation": "required for staff"})
        try:
            org = organisation_by_number(session, organisation)
        except AccountError as exc:
            raise InvalidData(str(exc), {"organisation": str(exc)}) from exc
    offered = list(settings_of(muni).processes)
    process_id = process or (offered[0] if offered else None)
    if process_id is None:
        raise InvalidData(f"{muni.name} offers no process yet", {"process": "no process for this municipality"})
    if process_id not in offered:  # with nothing offered, nothing may be started (not any deployed process)
        if not offered:
            raise InvalidData(f"{muni.name} offers no process yet",
                              {"process": "no process for this municipality"})
        raise InvalidData(f"{muni.name} does not offer the process {process_id!r}",
                          {"process": f"choose one of {', '.join(offered)}"})
    data = start_data.check(session, engine, user.role, process_id, data, lang)
    try:
        return engine.start_case(session, municipality=muni, organisation=org, process_id=process_id,
                                 actor=user, data=data)
    except NotFound as exc:
        raise InvalidData(str(exc), {"process": str(exc)}) from exc


def withdraw(session: Session, engine: CaseEngine, user: User, case_id: int, reason: str) -> Case:
    case = get_case(session, user, case_id)
    if not permissions.can_withdraw(user, case):
        raise Forbidden("only the organisation can withdraw its initiative")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData("say briefly why the initiative is withdrawn", {"withdraw_reason": "required"})
    if len(reason) > 2000:
        raise InvalidData("the reason is too long", {"withdraw_reason": "at most 2000 characters"})
    return engine.deliver_message(session, case, WITHDRAW_MESSAGE, user, {"withdraw_reason": reason})
