"""Who may see and do what. Every page and endpoint asks these functions; nothing else decides."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from app.core.roles import Role
from app.models import Case, OpenTask, User


def can_view_case(user: User, case: Case) -> bool:
    if not user.active:
        return False
    if user.role == Role.ORGANISATION:
        return user.organisation_id is not None and case.organisation_id == user.organisation_id
    if user.role == Role.ADMIN:
        return user.municipality_id is None or case.municipality_id == user.municipality_id
    return user.municipality_id is not None and case.municipality_id == user.municipality_id


def visible_cases(user: User) -> Select[Case]:
    query = select(Case)
    if user.role == Role.ORGANISATION:
        return query.where(Case.organisation_id == user.organisation_id) if user.organisation_id \
            else query.where(false())
    if user.role == Role.ADMIN and user.municipality_id is None:
        return query
    if user.municipality_id is None:
        return query.where(false())
    return query.where(Case.municipality_id == user.municipality_id)


def is_potential_owner(user: User, task: OpenTask) -> bool:
    """The user holds the task's role where the task lives (their organisation or municipality)."""
    if not user.active or user.role != task.role:
        return False
    if task.role == Role.ORGANISATION:
        return user.organisation_id is not None and user.organisation_id == task.organisation_id
    return user.municipality_id is not None and user.municipality_id == task.municipality_id


def can_view_task(user: User, task: OpenTask) -> bool:
    if is_potential_owner(user, task):
        return True
    if user.role == Role.ADMIN:
        return user.municipality_id is None or user.municipality_id == task.municipality_id
    return False


def can_claim(user: User, task: OpenTask) -> bool:
    return is_potential_owner(user, task) and task.assignee_id in (None, user.id)


def can_complete(user: User, task: OpenTask) -> bool:
    return is_potential_owner(user, task) and task.assignee_id in (None, user.id)


def can_unclaim(user: User, task: OpenTask) -> bool:
    return task.assignee_id is not None and (task.assignee_id == user.id or
                                             (user.role == Role.ADMIN and can_view_task(user, task)))


def workable_tasks(user: User) -> Select[OpenTask]:
    """Tasks the user may work on: their role, where they belong, assigned to them or to nobody."""
    query = select(OpenTask).where(OpenTask.role == user.role)
    if user.role == Role.ORGANISATION:
        if user.organisation_id is None:
            return query.where(false())
        query = query.where(OpenTask.organisation_id == user.organisation_id)
    else:
        if user.municipality_id is None:
            return query.where(false())
        query = query.where(OpenTask.municipality_id == user.municipality_id)
    return query.where(or_(OpenTask.assignee_id.is_(None), OpenTask.assignee_id == user.id))


def can_start_case(user: User) -> bool:
    return user.active and user.role in (Role.ORGANISATION, Role.OFFICER)


def can_withdraw(user: User, case: Case) -> bool:
    return user.role == Role.ORGANISATION and can_view_case(user, case)


def can_deploy(user: User) -> bool:
    """Validating and deploying definitions at all: process owners and administrators (which processes:
    can_manage_definition)."""
    return user.active and user.role in (Role.PROCESS_OWNER, Role.ADMIN)


def can_manage_definition(user: User, owner_municipality_id: int | None) -> bool:
    """Deploying a new version of a process, editing it in the modeller, moving its cases between versions.

    The process belongs to the municipality `owner_municipality_id` (app.engine.ownership): its process
    owners may; administrators without a municipality may act on every process, one bound to a municipality
    on that municipality's. A process without an owner: administrators without a municipality only."""
    if not can_deploy(user):
        return False
    if user.role == Role.ADMIN and user.municipality_id is None:
        return True
    return owner_municipality_id is not None and user.municipality_id == owner_municipality_id


def can_migrate_case(user: User, case: Case) -> bool:
    """Moving a case to another version of its process: administrators, and its municipality's process owners."""
    if not user.active:
        return False
    if user.role == Role.ADMIN:
        return user.municipality_id is None or case.municipality_id == user.municipality_id
    return user.role == Role.PROCESS_OWNER and user.municipality_id is not None \
        and case.municipality_id == user.municipality_id


def overseen_tasks(user: User) -> Select[OpenTask]:
    """Open tasks a team lead oversees (and may have reassigned): an administrator's (every municipality's
    for one without a municipality), a process owner's municipality's; nobody else's."""
    query = select(OpenTask)
    if not user.active or user.role not in (Role.ADMIN, Role.PROCESS_OWNER):
        return query.where(false())
    if user.role == Role.ADMIN and user.municipality_id is None:
        return query.where(OpenTask.id.is_not(None))
    if user.municipality_id is None:
        return query.where(false())
    return query.where(OpenTask.municipality_id == user.municipality_id)


def can_repair_case(user: User, case: Case) -> bool:
    """Retry, skip a failed step, suspend, resume, cancel, move a timer: the case's municipality's
    administrators (one without a municipality: every case's)."""
    return user.active and user.role == Role.ADMIN and (
        user.municipality_id is None or case.municipality_id == user.municipality_id)


def can_reassign(user: User, task: OpenTask) -> bool:
    """Giving an open task to a named person: administrators and process owners (team leads) of the task's
    municipality (an administrator without a municipality: every task)."""
    if not user.active or user.role not in (Role.ADMIN, Role.PROCESS_OWNER):
        return False
    if user.role == Role.ADMIN and user.municipality_id is None:
        return True
    return user.municipality_id is not None and user.municipality_id == task.municipality_id
