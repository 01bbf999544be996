"""Users and organisations."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select

from app.domain.accounts import AccountError, add_organisation, add_user
from app.engine.errors import Forbidden, InvalidData
from app.models import Organisation, User
from app.web.api import api
from app.web.api.common import authenticated, caller, json_body, paging, string_field
from app.web.context import commit, db, services


def _user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "name": user.display_name, "email": user.email,
            "role": user.role, "municipality": user.municipality.slug if user.municipality else None,
            "organisation": user.organisation.org_number if user.organisation else None, "active": user.active}


def _org_json(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "org_number": org.org_number, "email": org.email}


@api.get("/users")
@authenticated
def list_users() -> Any:
    user = caller()
    query = select(User).order_by(User.username)
    if user.role == "organisation":
        query = query.where(User.id == user.id)
    elif user.role != "admin" or user.municipality_id is not None:
        query = query.where(User.municipality_id == user.municipality_id)
    limit, offset = paging()
    return jsonify({"items": [_user_json(u) for u in db().scalars(query.limit(limit).offset(offset))]})


@api.post("/users")
@authenticated
def create_user() -> Any:
    if caller().role != "admin":
        raise Forbidden("only an administrator can create users")
    body = json_body()
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
    return jsonify(_user_json(created)), 201


@api.get("/organisations")
@authenticated
def list_organisations() -> Any:
    user = caller()
    query = select(Organisation).order_by(Organisation.name)
    if user.role == "organisation":
        query = query.where(Organisation.id == user.organisation_id)
    limit, offset = paging()
    return jsonify({"items": [_org_json(o) for o in db().scalars(query.limit(limit).offset(offset))]})


@api.post("/organisations")
@authenticated
def create_organisation() -> Any:
    if caller().role not in ("admin", "officer"):
        raise Forbidden("only officers and administrators can register organisations")
    body = json_body()
    try:
        org = add_organisation(db(), services().clock, string_field(body, "name", max_length=200) or "",
                               string_field(body, "org_number", max_length=20) or "",
                               string_field(body, "email", required=False, max_length=200))
    except AccountError as exc:
        raise InvalidData(str(exc), {exc.field or "body": str(exc)}) from exc
    commit()
    return jsonify(_org_json(org)), 201
