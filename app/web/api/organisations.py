"""Organisations: list, register (admin, officer).

Who sees which: an organisation representative their own organisation; a municipality's staff (and its own
administrators) the organisations with a case in that municipality or registered by its staff; an administrator
of the installation (no municipality) all of them."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import Select, exists, func, or_, select

from app.core.errors import Forbidden, InvalidData
from app.core.roles import Role
from app.domain.accounts import AccountError, add_organisation
from app.models import Case, Organisation, User
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body, paging, string_field
from app.web.context import commit, db, services


def organisation_json(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "org_number": org.org_number, "email": org.email}


def visible_organisations(user: User) -> Select[Organisation]:
    query = select(Organisation)
    if user.role == Role.ORGANISATION:
        return query.where(Organisation.id == user.organisation_id)
    if user.role == Role.ADMIN and user.municipality_id is None:
        return query
    has_case = exists().where(Case.organisation_id == Organisation.id,
                              Case.municipality_id == user.municipality_id)
    return query.where(or_(Organisation.registered_by_id == user.municipality_id, has_case))


@api.get("/organisations")
@authenticated
def list_organisations() -> Any:
    query = visible_organisations(caller())
    limit, offset = paging()
    total = db().scalar(select(func.count()).select_from(query.subquery()))
    rows = db().scalars(query.order_by(Organisation.name).limit(limit).offset(offset))
    return jsonify({"items": [organisation_json(o) for o in rows], "total": total, "limit": limit,
                    "offset": offset})


@api.post("/organisations")
@authenticated
def create_organisation() -> Any:
    user = caller()
    if user.role not in (Role.ADMIN, Role.OFFICER):
        raise Forbidden("only officers and administrators can register organisations")
    body = json_body("name", "org_number", "email")
    try:
        org = add_organisation(db(), services().clock, string_field(body, "name", max_length=200) or "",
                               string_field(body, "org_number", max_length=20) or "",
                               string_field(body, "email", required=False, max_length=200),
                               registered_by=user.municipality)
    except AccountError as exc:
        raise InvalidData(str(exc), {exc.field or "body": str(exc)}) from exc
    commit()
    return jsonify(organisation_json(org)), 201
