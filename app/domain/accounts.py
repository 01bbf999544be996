"""Creating municipalities, organisations and users; the CLI, demo data and API use these."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.errors import Forbidden
from app.core.municipal_settings import MunicipalSettings, SettingsError, configure
from app.core.roles import MUNICIPAL_ROLES, ROLES, Role
from app.core.search import folded
from app.domain import delegation, memberships
from app.domain.orgnumber import normalise_org_number
from app.domain.passwords import hash_password, password_problem
from app.models import LoginSession, Municipality, Organisation, User

# A deliberately strict e-mail syntax: what mail headers and pages can carry safely. No quotes, angle brackets,
# spaces or line breaks; one @; a domain of dotted labels ending in a label of letters. Letters may be non-ASCII.
_LOCAL = re.compile(r"[\w!#$%&*+/=?^{|}~-]+(?:\.[\w!#$%&*+/=?^{|}~-]+)*")
_DOMAIN = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}")

log = logging.getLogger("app.accounts")


class AccountError(ValueError):
    """Input that cannot become an account; the message says what is wrong."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def email_problem(address: str) -> str | None:
    """Why `address` is not an acceptable e-mail address, or None when it is."""
    if len(address) > 254:
        return "an e-mail address has at most 254 characters"
    local, at, domain = address.partition("@")
    if not at or "@" in domain:
        return "an e-mail address has exactly one @"
    if not (0 < len(local) <= 64 and _LOCAL.fullmatch(local) and _DOMAIN.fullmatch(domain)):
        return ("not a valid e-mail address: write name@example.se without spaces, quotes, "
                "angle brackets or line breaks")
    return None


def clean_email(address: str | None) -> str | None:
    """The address without surrounding spaces (None when empty); AccountError(field "email") when invalid."""
    if address is None or not address.strip():
        return None
    address = address.strip()
    problem = email_problem(address)
    if problem:
        raise AccountError(problem, "email")
    return address


def load_municipalities(session: Session, config_dir: Path) -> list[Municipality]:
    """Create or update the municipalities described in config/municipalities/*.json (name, registration
    format). A municipality without stored settings gets the file's; stored settings are kept, so that a
    change made in the database (an administrator's) outlives the next start. Every file is validated."""
    result = []
    for path in sorted(config_dir.glob("*.json")):
        spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        settings = _settings(path, spec)
        row = session.scalar(select(Municipality).where(Municipality.slug == spec["slug"]))
        if row is None:
            row = Municipality(slug=spec["slug"])
            session.add(row)
        row.name = spec["name"]
        row.registration_format = spec.get("registration_format", "KS {year}/{seq:04d}")
        if row.settings_row is None:
            configure(row, settings)
        session.flush()
        delegation.load_items(session, row, _delegation(path, spec))
        result.append(row)
    session.flush()
    return result


def configured_settings(config_dir: Path, slug: str) -> MunicipalSettings:
    """The settings config/municipalities/<slug>.json gives (the defaults without a file): what
    `load_municipalities` stores. Only for what builds a database from config/ (the simulation)."""
    path = config_dir / f"{slug}.json"
    if not path.exists():
        return MunicipalSettings()
    return _settings(path, json.loads(path.read_text(encoding="utf-8")))


def _delegation(path: Path, spec: dict[str, Any]) -> list[delegation.ItemSpec]:
    items = spec.get("delegation") or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"{path}: delegation must be a list of items")
    return [delegation.ItemSpec.from_mapping(item, f"{path}: delegation[{i}]") for i, item in enumerate(items)]


def _settings(path: Path, spec: dict[str, Any]) -> MunicipalSettings:
    try:
        return MunicipalSettings.from_mapping(spec.get("settings") or {})
    except SettingsError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def municipality_by_slug(session: Session, slug: str) -> Municipality:
    row = session.scalar(select(Municipality).where(Municipality.slug == slug))
    if row is None:
        raise AccountError(f"there is no municipality {slug!r}", "municipality")
    return row


def add_organisation(session: Session, clock: Clock, name: str, org_number: str,
                     email: str | None = None, *, registered_by: Municipality | None = None) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise AccountError("the organisation needs a name", "name")
    email = clean_email(email)
    try:
        number = normalise_org_number(org_number)
    except ValueError as exc:
        raise AccountError(str(exc), "org_number") from exc
    if session.scalar(select(Organisation).where(Organisation.org_number == number)) is not None:
        raise AccountError(f"an organisation with number {number} already exists", "org_number")
    org = Organisation(name=name, search_name=folded(name), org_number=number, email=email, created_at=clock.now(),
                       registered_by_id=registered_by.id if registered_by else None)
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
             email: str | None = None, language: str = "sv", password_hash: str | None = None) -> User:
    """A new active user. `password_hash`, when given, is the Argon2 hash of `password` made already
    (the demo loader hashes its one shared password once)."""
    username = (username or "").strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise AccountError("a username is 1-80 characters without spaces", "username")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}", "role")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")
    email = clean_email(email)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"the username {username!r} is taken", "username")
    muni = municipality_by_slug(session, municipality) if municipality else None
    org = organisation_by_number(session, organisation) if organisation else None
    if role == Role.ORGANISATION and org is None:
        raise AccountError("an organisation user needs --organisation ORGNR", "organisation")
    if role in MUNICIPAL_ROLES and muni is None:
        raise AccountError(f"a {role} user needs --municipality", "municipality")
    user = User(username=username, display_name=display_name or username, email=email,
                password_hash=password_hash or hash_password(password), role=role,
                municipality_id=muni.id if muni else None, organisation_id=org.id if org else None,
                language=language, active=True, created_at=clock.now())
    session.add(user)
    session.flush()
    memberships.keep_home(session, user)
    return user


def user_by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise AccountError(f"there is no user {username!r}", "username")
    return user


def revoke_sessions(session: Session, user: User) -> int:
    """End every log-in session and API token of `user`; returns how many there were."""
    result = session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    return int(getattr(result, "rowcount", 0) or 0)


def change_password(session: Session, user: User, new_password: str) -> None:
    """Store a new password and end all of the user's sessions and API tokens."""
    problem = password_problem(new_password)
    if problem:
        raise AccountError(problem, "new_password")
    user.password_hash = hash_password(new_password)
    revoke_sessions(session, user)
    session.flush()


# why an administrator may not switch a person's account on or off (`active_refusal`)
NOT_AN_ADMINISTRATOR = "not_admin"
THEMSELVES = "self"
OUTSIDE_MUNICIPALITY = "outside"


def active_refusal(by: User, person_id: int, person_municipality_id: int | None) -> str | None:
    """Why `by` may not deactivate or activate the account `person_id` whose own (home) municipality, as stored,
    is `person_municipality_id`; None when they may. The one rule every entry point follows: an administrator
    of the installation (no municipality) may change anyone's, a municipality's administrator only the accounts
    whose own municipality is theirs (not a further membership there, not an organisation's), and nobody their
    own. `by` reads as the membership they act through (app.domain.memberships), which is what counts."""
    if by.role != Role.ADMIN:
        return NOT_AN_ADMINISTRATOR
    if by.id == person_id:
        return THEMSELVES
    if by.municipality_id is not None and person_municipality_id != by.municipality_id:
        return OUTSIDE_MUNICIPALITY
    return None


def stored_municipality_id(session: Session, user_id: int) -> int | None:
    """The person's own municipality as stored (the logged-in user's object reads as their active membership)."""
    return session.scalar(select(User.municipality_id).where(User.id == user_id))


def check_may_set_active(session: Session, by: User, person: User) -> None:
    """`active_refusal` as an error: AccountError (field "active") for one's own account, else Forbidden."""
    refusal = active_refusal(by, person.id, stored_municipality_id(session, person.id))
    if refusal == THEMSELVES:
        raise AccountError("an administrator cannot deactivate or activate their own account", "active")
    if refusal == NOT_AN_ADMINISTRATOR:
        raise Forbidden("only an administrator deactivates or activates accounts")
    if refusal is not None:
        raise Forbidden("an administrator of a municipality deactivates or activates only the accounts whose own "
                        "municipality is theirs")


def set_active(session: Session, person: User, active: bool, *, by: User | None = None, via: str = "") -> bool:
    """Switch `person`'s account on or off; False when it already was so. Switching it off ends every log-in
    session and API token of theirs (the next request with one is refused), and they cannot log in until it is
    switched on again. `by`: the administrator who asks (`check_may_set_active`); None for the console and the
    OpenID log-in. `via` names the entry point in the log line (logger `app.accounts`). The caller commits."""
    if by is not None:
        check_may_set_active(session, by, person)
    changed = person.active != active
    person.active = active
    ended = 0 if active else revoke_sessions(session, person)
    session.flush()
    if changed:
        event = "user_activated" if active else "user_deactivated"
        who = by.username if by is not None else ""
        log.info("%s: %s by %s via %s", event, person.username, who or "-", via or "-",
                 extra={"fields": {"event": event, "username": person.username, "by": who, "via": via,
                                   "sessions_ended": ended}})
    return changed
