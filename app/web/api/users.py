"""Users: list (admin: all; staff: their municipality; an organisation representative: themselves), create (admin),
deactivate and activate (an administrator, within their municipality);
memberships (a person's roles in several municipalities): list, grant and revoke, each administrator within their
own municipality."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import func, select

from app.core.errors import Forbidden, InvalidData, NotFound
from app.core.roles import Role
from app.domain import memberships
from app.domain.accounts import AccountError, add_user, municipality_by_slug, set_active, user_by_username
from app.models import Membership, Municipality, User
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body, paging, row_id, string_field
from app.web.context import commit, db, services


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "name": user.display_name, "email": user.email,
            "role": user.role, "municipality": user.municipality.slug if user.municipality else None,
            "organisation": user.organisation.org_number if user.organisation else None, "active": user.active}


@api.get("/users")
@authenticated
def list_users() -> Any:
    user = caller()
    query = select(User)
    if user.role == Role.ORGANISATION:
        query = query.where(User.id == user.id)
    elif user.role != Role.ADMIN or user.municipality_id is not None:
        # everyone with a role in the caller's (active) municipality, as their own or as another membership
        query = query.where(User.id.in_(memberships.member_ids(user.municipality_id))) \
            if user.municipality_id is not None else query.where(User.id == user.id)
    limit, offset = paging()
    total = db().scalar(select(func.count()).select_from(query.subquery()))
    rows = db().scalars(query.order_by(User.username).limit(limit).offset(offset))
    return jsonify({"items": [user_json(u) for u in rows], "total": total, "limit": limit, "offset": offset})


@api.post("/users")
@authenticated
def create_user() -> Any:
    admin = caller()
    if admin.role != Role.ADMIN:
        raise Forbidden("only an administrator can create users")
    body = json_body("username", "password", "role", "municipality", "organisation", "email", "name")
    if admin.municipality is not None:  # a municipality's own administrator stays within it
        if body.get("role") == "organisation" or body.get("municipality") not in (None, admin.municipality.slug):
            raise Forbidden(f"an administrator of {admin.municipality.slug} creates only that municipality's staff")
        body = {**body, "municipality": admin.municipality.slug}
    try:
        created = add_user(
            db(), services().clock, string_field(body, "username", max_length=80) or "",
            string_field(body, "password", max_length=1000) or "", string_field(body, "role", max_length=20) or "",
            municipality=string_field(body, "municipality", required=False, max_length=40),
            organisation=string_field(body, "organisation", required=False, max_length=20),
            email=string_field(body, "email", required=False, max_length=200),
            display_name=string_field(body, "name", required=False, max_length=200) or "",
        )
    except AccountError as exc:
        raise InvalidData(str(exc), {exc.field or "body": str(exc)}) from exc
    commit()
    return jsonify(user_json(created)), 201


@api.post("/users/<user_id>/deactivate")
@authenticated
def deactivate_user(user_id: str) -> Any:
    """Shut a person out: no log-in, their sessions and API tokens end (app.domain.accounts.set_active)."""
    return _set_active(user_id, False)


@api.post("/users/<user_id>/activate")
@authenticated
def activate_user(user_id: str) -> Any:
    """Let a deactivated person log in again."""
    return _set_active(user_id, True)


def _set_active(user_id: str, active: bool) -> Any:
    """An administrator of the installation: anyone's account; a municipality's: the accounts whose own
    municipality is theirs (403 otherwise); nobody their own (422)."""
    admin = caller()
    if admin.role != Role.ADMIN:
        raise Forbidden("only an administrator deactivates or activates accounts")
    found = row_id(user_id)
    person = db().get(User, found) if found is not None else None
    if person is None:
        raise NotFound("no such user")
    try:
        set_active(db(), person, active, by=admin, via="api")
    except AccountError as exc:
        raise InvalidData(str(exc), {exc.field or "body": str(exc)}) from exc
    commit()
    return jsonify(user_json(person))


def membership_json(row: Membership, username: str) -> dict[str, Any]:
    return {"id": row.id, "username": username, "role": row.role, "municipality": row.municipality.slug}


def _membership_admin() -> User:
    admin = caller()
    if admin.role != Role.ADMIN:
        raise Forbidden("only an administrator manages memberships")
    return admin


def _municipality_of_admin(admin: User, slug: str | None) -> Municipality:
    """The municipality an administrator manages memberships in: their own (naming another is 403); an
    administrator of the whole installation names it."""
    if admin.municipality is not None:
        if slug not in (None, admin.municipality.slug):
            raise Forbidden(f"an administrator of {admin.municipality.slug} manages only that municipality's "
                            "memberships")
        return admin.municipality
    if not slug:
        raise InvalidData("municipality is required", {"municipality": "name the municipality, e.g. gavle"})
    try:
        return municipality_by_slug(db(), slug)
    except AccountError as exc:
        raise InvalidData(str(exc), {"municipality": "no such municipality"}) from exc


@api.get("/memberships")
@authenticated
def list_memberships() -> Any:
    """Who holds which role in the administrator's municipality (an installation administrator: any, or the
    one named by ?municipality=)."""
    admin = _membership_admin()
    slug = (request.args.get("municipality") or "").strip()[:40] or None
    query = select(Membership, User.username).join(User, User.id == Membership.user_id)
    if admin.municipality is not None or slug:
        query = query.where(Membership.municipality_id == _municipality_of_admin(admin, slug).id)
    limit, offset = paging()
    total = db().scalar(select(func.count()).select_from(query.subquery()))
    rows = db().execute(query.order_by(User.username, Membership.role, Membership.id).limit(limit).offset(offset))
    return jsonify({"items": [membership_json(m, name) for m, name in rows], "total": total, "limit": limit,
                    "offset": offset})


@api.post("/memberships")
@authenticated
def grant_membership() -> Any:
    """Give a person (by username) a role in the administrator's municipality."""
    admin = _membership_admin()
    body = json_body("username", "role", "municipality")
    username = string_field(body, "username", max_length=80) or ""
    role = string_field(body, "role", max_length=20) or ""
    municipality = _municipality_of_admin(admin, string_field(body, "municipality", required=False, max_length=40))
    try:
        person = user_by_username(db(), username)
        row = memberships.grant(db(), person, role, municipality)
    except (AccountError, memberships.MembershipError) as exc:
        raise InvalidData(str(exc), {exc.field or "body": str(exc)}) from exc
    commit()
    return jsonify(membership_json(row, person.username)), 201


@api.delete("/memberships/<membership_id>")
@authenticated
def revoke_membership(membership_id: str) -> Any:
    """Take a membership away (not a person's own role and municipality: change or deactivate the account)."""
    admin = _membership_admin()
    found = row_id(membership_id)
    row = db().get(Membership, found) if found is not None else None
    if row is None or (admin.municipality_id is not None and row.municipality_id != admin.municipality_id):
        raise NotFound("no such membership in your municipality")
    person = db().get(User, row.user_id)
    assert person is not None
    try:
        memberships.revoke(db(), person, row.role, row.municipality)
    except memberships.MembershipError as exc:
        raise InvalidData(str(exc), {exc.field or "body": str(exc)}) from exc
    commit()
    return "", 204
