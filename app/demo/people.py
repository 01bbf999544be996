"""The demo's people: the password, creating organisations and users when missing, who acts on a task."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.roles import Role
from app.domain.accounts import add_organisation, add_user
from app.domain.passwords import hash_password
from app.models import OpenTask, Organisation, User
from app.services import Services

DEMO_PASSWORD = "demo-losenord"  # noqa: S105 - the documented demo password
DEMO_LOGIN = "sofia"  # the officer with the most to do; printed by `iop serve`


def ensure_people(services: Services, organisations: list[tuple[str, str, str]],
                  users: list[dict[str, Any]]) -> list[str]:
    """Create the organisations and users that are missing; one report line each."""
    report: list[str] = []
    shared_hash: str | None = None  # one Argon2 hash (about 0.4 s) for the one demo password
    with services.unit_of_work() as session:
        for name, number, email in organisations:
            if session.scalar(select(Organisation).where(Organisation.org_number == number)) is None:
                add_organisation(session, services.clock, name, number, email)
                report.append(f"organisation {name} ({number})")
        for spec in users:
            if session.scalar(select(User).where(User.username == spec["username"])) is None:
                shared_hash = shared_hash or hash_password(DEMO_PASSWORD)
                add_user(session, services.clock, spec["username"], DEMO_PASSWORD, spec["role"],
                         municipality=spec.get("municipality"), organisation=spec.get("organisation"),
                         display_name=spec["name"], email=f"{spec['username']}@demo.example",
                         password_hash=shared_hash)
                report.append(f"user {spec['username']} ({spec['role']})")
    return report


def user_for(session: Session, task: OpenTask) -> User | None:
    """The first user holding the task's role where the task lives."""
    query = select(User).where(User.role == task.role)
    if task.role == Role.ORGANISATION:
        query = query.where(User.organisation_id == task.organisation_id)
    else:
        query = query.where(User.municipality_id == task.municipality_id)
    return session.scalars(query.order_by(User.id)).first()


def actor_for(services: Services, task: OpenTask) -> User | None:
    """`user_for` in a unit of work of its own (a detached row)."""
    with services.unit_of_work() as session:
        user = user_for(session, task)
        if user is not None:
            session.expunge(user)
        return user


def first_user_of(services: Services, org_number: str) -> User | None:
    """The organisation's first user (who starts its demo cases), detached."""
    with services.unit_of_work() as session:
        user = session.scalars(select(User).join(Organisation, Organisation.id == User.organisation_id)
                               .where(Organisation.org_number == org_number).order_by(User.id)).first()
        if user is not None:
            session.expunge(user)
        return user


def user_named(services: Services, username: str) -> User | None:
    """The user with `username` (a staff member who starts a demo case), detached."""
    with services.unit_of_work() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            session.expunge(user)
        return user
