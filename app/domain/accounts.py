"""Creating municipalities, organisations and users; the CLI, demo data and API use these."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock
from app.domain.orgnumber import normalise_org_number
from app.domain.passwords import hash_password, password_problem
from app.domain.roles import ROLES
from app.models import Municipality, Organisation, User

MUNICIPAL_ROLES = ("lawyer", "officer", "board", "finance", "process_owner")


class AccountError(ValueError):
    """Input that cannot become an account; the message says what is wrong."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def load_municipalities(session: Session, config_dir: Path) -> list[Municipality]:
    """Create or update the municipalities described in config/municipalities/*.json."""
    result = []
    for path in sorted(config_dir.glob("*.json")):
        spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        row = session.scalar(select(Municipality).where(Municipality.slug == spec["slug"]))
        if row is None:
            row = Municipality(slug=spec["slug"])
            session.add(row)
        row.name = spec["name"]
        row.registration_format = spec.get("registration_format", "KS {year}/{seq:04d}")
        row.settings = spec.get("settings", {})
        result.append(row)
    session.flush()
    return result


def municipality_by_slug(session: Session, slug: str) -> Municipality:
    row = session.scalar(select(Municipality).where(Municipality.slug == slug))
    if row is None:
        raise AccountError(f"there is no municipality {slug!r}", "municipality")
    return row


def add_organisation(session: Session, clock: Clock, name: str, org_number: str,
                     email: str | None = None) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise AccountError("the organisation needs a name", "name")
    try:
        number = normalise_org_number(org_number)
    except ValueError as exc:
        raise AccountError(str(exc), "org_number") from exc
    if session.scalar(select(Organisation).where(Organisation.org_number == number)) is not None:
        raise AccountError(f"an organisation with number {number} already exists", "org_number")
    org = Organisation(name=name, org_number=number, email=email, created_at=clock.now())
    session.add(org)
    session.flush()
    return org


def organisation_by_number(session: Session, org_number: str) -> Organisation:
    try:
        number = normalise_org_number(org_number)
    except ValueError as exc:
        raise AccountError(str(exc), "organisation") from exc
    org = session.scalar(select(Organisation).where(Organisation.org_number == number))
    if org is None:
        raise AccountError(f"there is no organisation with number {number}", "organisation")
    return org


def add_user(session: Session, clock: Clock, username: str, password: str, role: str, *,
             municipality: str | None = None, organisation: str | None = None, display_name: str = "",
             email: str | None = None, language: str = "sv") -> User:
    username = (username or "").strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise AccountError("a username is 1-80 characters without spaces", "username")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}", "role")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"the username {username!r} is taken", "username")
    muni = municipality_by_slug(session, municipality) if municipality else None
    org = organisation_by_number(session, organisation) if organisation else None
    if role == "organisation" and org is None:
        raise AccountError("an organisation user needs --organisation ORGNR", "organisation")
    if role in MUNICIPAL_ROLES and muni is None:
        raise AccountError(f"a {role} user needs --municipality", "municipality")
    user = User(username=username, display_name=display_name or username, email=email,
                password_hash=hash_password(password), role=role, municipality_id=muni.id if muni else None,
                organisation_id=org.id if org else None, language=language, active=True,
                created_at=clock.now())
    session.add(user)
    session.flush()
    return user
