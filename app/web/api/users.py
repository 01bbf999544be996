"""Users: list (admin: all; staff: their municipality; an organisation representative: themselves), create (admin)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import func, select

from app.core.errors import Forbidden, InvalidData
from app.core.roles import Role
from app.domain.accounts import AccountError, add_user
from app.models import User
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body, paging, string_field
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
        query = query.where(User.municipality_id == user.municipality_id)
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
