"""Organisations: list (an organisation representative sees only their own), register (admin, officer)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import func, select

from app.domain.accounts import AccountError, add_organisation
from app.engine.errors import Forbidden, InvalidData
from app.models import Organisation
from app.web.api import api
from app.web.api.common import authenticated, caller, json_body, paging, string_field
from app.web.context import commit, db, services


def organisation_json(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "org_number": org.org_number, "email": org.email}


@api.get("/organisations")
@authenticated
def list_organisations() -> Any:
    user = caller()
    query = select(Organisation)
    if user.role == "organisation":
        query = query.where(Organisation.id == user.organisation_id)
    limit, offset = paging()
    total = db().scalar(select(func.count()).select_from(query.subquery()))
    rows = db().scalars(query.order_by(Organisation.name).limit(limit).offset(offset))
    return jsonify({"items": [organisation_json(o) for o in rows], "total": total, "limit": limit,
                    "offset": offset})


@api.post("/organisations")
@authenticated
def create_organisation() -> Any:
    if caller().role not in ("admin", "officer"):
        raise Forbidden("only officers and administrators can register organisations")
    body = json_body("name", "org_number", "email")
    try:
        org = add_organisation(db(), services().clock, string_field(body, "name", max_length=200) or "",
                               string_field(body, "org_number", max_length=20) or "",
                               string_field(body, "email", required=False, max_length=200))
    except AccountError as exc:
        raise InvalidData(str(exc), {exc.field or "body": str(exc)}) from exc
    commit()
    return jsonify(organisation_json(org)), 201
