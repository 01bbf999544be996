"""People who hold roles in several municipalities: memberships and the active one.

A membership (app.models.people.Membership) is one role in one municipality. A municipal user's own `role` and
`municipality_id` columns are the home membership and are a membership row too (`add_user` and the OpenID log-in
keep them in step), so the memberships table alone answers "who holds role R in municipality M".

Each request acts through one membership, the active one: the page session's choice (the switcher in the
navigation, stored in the session row), for the API the `X-IOP-Municipality` (and `X-IOP-Role`) header or else
the token's stored choice, else the home membership. `act_as` puts the active membership's role and
municipality on the request's User object as if loaded from the database (not as a change: nothing is written
back), so every permission check that reads `user.role` and `user.municipality_id` reads the active membership,
and a person never acts with two memberships at once. Organisation users and administrators of the whole
installation have no membership rows and act as their own columns.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Select

from app.core.roles import PROVIDER_ROLES, Role
from app.models import Membership, Municipality, User

_ACTING = "_iop_acting_as"  # the instance attribute that remembers the applied membership


class MembershipError(ValueError):
    """A membership that cannot be granted, revoked or chosen; the message says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def of_user(session: Session, user_id: int) -> list[Membership]:
    """The user's memberships, by municipality name and role."""
    return list(session.scalars(select(Membership).join(Municipality, Municipality.id == Membership.municipality_id)
                                .where(Membership.user_id == user_id)
                                .order_by(Municipality.name, Membership.role, Membership.id)))


def home_of(session: Session, user_id: int) -> Membership | None:
    """The membership matching the user's own columns as stored (the default when nothing was chosen)."""
    row = session.execute(select(User.role, User.municipality_id).where(User.id == user_id)).one_or_none()
    if row is None or row.municipality_id is None:
        return None
    return session.scalar(select(Membership).where(Membership.user_id == user_id,
                                                   Membership.municipality_id == row.municipality_id,
                                                   Membership.role == row.role))


def choose(session: Session, user: User, stored: int | None, *, municipality: str | None = None,
           role: str | None = None) -> Membership | None:
    """The membership a request acts through, or None to act as the user's own columns: nothing chosen (the
    home membership; no statement is spent on it), or a user without memberships (organisation users,
    administrators of the installation). `municipality` (a slug) and `role` name one explicitly (the API's
    headers): MembershipError when the person holds no such membership. Else `stored` (the session's choice)
    when it is still one of theirs, else the home membership, else the first."""
    if stored is None and not municipality and not role:
        return None
    mine = of_user(session, user.id)
    if municipality or role:
        found = [m for m in mine if (not municipality or m.municipality.slug == municipality)
                 and (not role or m.role == role)]
        if not found:
            where = f" in {municipality}" if municipality else ""
            raise MembershipError(f"{user.username} holds no {role or 'role'}{where}",
                                  "municipality" if municipality else "role")
        preferred = [m for m in found if m.id == stored]
        return (preferred or found)[0]
    if not mine:
        return None
    for m in mine:
        if m.id == stored:
            return m
    home = home_of(session, user.id)
    return home if home is not None else mine[0]


def act_as(user: User, membership: Membership | None) -> None:
    """Make `user` read as `membership` for the rest of the request (None: as stored)."""
    if membership is None:
        return
    setattr(user, _ACTING, (membership.id, membership.role, membership.municipality_id, membership.municipality))
    _apply(user)


def release(session: Session, user: User) -> None:
    """Undo `act_as`: the user reads as stored again (before changing their own role or municipality)."""
    if getattr(user, _ACTING, None) is not None:
        delattr(user, _ACTING)
        session.expire(user, ["role", "municipality_id", "municipality"])


def acting_membership_id(user: User) -> int | None:
    acting = getattr(user, _ACTING, None)
    return int(acting[0]) if acting else None


def _apply(user: User) -> None:
    acting = getattr(user, _ACTING, None)
    if acting is None:
        return
    _, role, municipality_id, municipality = acting
    set_committed_value(user, "role", role)
    set_committed_value(user, "municipality_id", municipality_id)
    set_committed_value(user, "municipality", municipality)


@event.listens_for(User, "refresh")
def _reapply_after_refresh(target: User, _context: Any, _attrs: Any) -> None:
    """A rollback expires the request's objects; when the user is read again, the active membership still holds."""
    _apply(target)


def holder_ids(role: str, municipality_id: int) -> Select[int]:
    """The ids of the people who hold `role` in the municipality (whether or not it is their active one)."""
    return select(Membership.user_id).where(Membership.role == role, Membership.municipality_id == municipality_id)


def member_ids(municipality_id: int) -> Select[int]:
    """The ids of the people who hold any role in the municipality."""
    return select(Membership.user_id).where(Membership.municipality_id == municipality_id)


def holds(session: Session, user_id: int, role: str, municipality_id: int) -> bool:
    return session.scalar(holder_ids(role, municipality_id).where(Membership.user_id == user_id).limit(1)) is not None


def keep_home(session: Session, user: User) -> None:
    """Make sure a municipal user's own role and municipality is one of their memberships."""
    if user.municipality_id is None or user.role == Role.ORGANISATION:
        return
    if not holds(session, user.id, user.role, user.municipality_id):
        session.add(Membership(user_id=user.id, municipality_id=user.municipality_id, role=user.role))
        session.flush()


def follow_home(session: Session, user: User, old_role: str | None, old_municipality_id: int | None) -> None:
    """After the user's own role or municipality changed (the OpenID log-in's role map): the old home
    membership goes, the new one is kept."""
    if (old_role, old_municipality_id) != (user.role, user.municipality_id) and old_municipality_id is not None:
        session.execute(delete(Membership).where(Membership.user_id == user.id, Membership.role == old_role,
                                                 Membership.municipality_id == old_municipality_id))
    keep_home(session, user)


def grant(session: Session, user: User, role: str, municipality: Municipality) -> Membership:
    """Give a person a role in a municipality (a no-op when they hold it already)."""
    if role not in PROVIDER_ROLES:
        raise MembershipError(f"a membership's role is one of {', '.join(PROVIDER_ROLES)}", "role")
    if user.organisation_id is not None or user.role == Role.ORGANISATION:
        raise MembershipError(f"{user.username} represents an organisation and cannot hold municipal roles",
                              "username")
    existing = session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                       Membership.municipality_id == municipality.id,
                                                       Membership.role == role))
    if existing is not None:
        return existing
    row = Membership(user_id=user.id, municipality_id=municipality.id, role=role)
    session.add(row)
    session.flush()
    return row


def revoke(session: Session, user: User, role: str, municipality: Municipality) -> None:
    """Take a role in a municipality away. The home membership (the user's own columns) stays: change or
    deactivate the account instead."""
    stored = session.execute(select(User.role, User.municipality_id).where(User.id == user.id)).one()
    if stored.role == role and stored.municipality_id == municipality.id:
        raise MembershipError(f"{role} in {municipality.slug} is {user.username}'s own role and municipality; "
                              "it cannot be revoked", "role")
    result = session.execute(delete(Membership).where(Membership.user_id == user.id,
                                                      Membership.municipality_id == municipality.id,
                                                      Membership.role == role))
    if not getattr(result, "rowcount", 0):
        raise MembershipError(f"{user.username} holds no {role} in {municipality.slug}", "role")
    session.flush()
