"""A municipality's settings through the API, as the settings page (/admin/settings) edits them.

`GET /api/v1/municipalities/{slug}/settings`: the settings and the latest changes (administrators and process
owners of the municipality; an administrator without a municipality: any). `PUT` (or `PATCH`) with some of the
settings changes those (the municipality's administrator): each value is validated, a 422 names every field at
fault, and each change is recorded (who, when, old and new). Rules: app/domain/settings_admin.py.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from sqlalchemy import select

from app.core.errors import Forbidden, InvalidData, NotFound
from app.core.municipal_settings import settings_of
from app.core.roles import Role
from app.domain import settings_admin
from app.models import Municipality, User
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body
from app.web.context import db, services

READERS: tuple[Role, ...] = (Role.ADMIN, Role.PROCESS_OWNER)


def _municipality(user: User, slug: str, roles: tuple[Role, ...], what: str) -> Municipality:
    """The municipality named in the path, if `user` may `what` its settings: 403 for another municipality's
    staff and for other roles, 404 for no such municipality."""
    if user.role not in roles:
        raise Forbidden(f"only the municipality's {' and '.join(r.value for r in roles)} may {what} its settings")
    found = db().scalar(select(Municipality).where(Municipality.slug == slug[:40]))
    if found is None:
        raise NotFound("no such municipality")
    if user.municipality_id is not None and user.municipality_id != found.id:
        raise Forbidden(f"you may only {what} your own municipality's settings")
    return found


def settings_json(municipality: Municipality) -> dict[str, Any]:
    return {"municipality": municipality.slug, "settings": settings_of(municipality).to_mapping(),
            "changes": [{"field": c.field, "old": c.old, "new": c.new, "changed_at": c.changed_at.isoformat(),
                         "changed_by": c.changed_by}
                        for c in settings_admin.changes_of(db(), municipality.id, limit=20)]}


@api.get("/municipalities/<slug>/settings")
@authenticated
def get_municipal_settings(slug: str) -> Any:
    return jsonify(settings_json(_municipality(caller(), slug, READERS, "read")))


@api.route("/municipalities/<slug>/settings", methods=["PUT", "PATCH"])
@authenticated
def change_municipal_settings(slug: str) -> Any:
    user = caller()
    municipality = _municipality(user, slug, (Role.ADMIN,), "change")
    changes = json_body(*settings_admin.SETTING_NAMES)
    if not changes:
        raise InvalidData("name at least one setting to change",
                          {"body": f"a JSON object with some of {', '.join(settings_admin.SETTING_NAMES)}"})
    problems = settings_admin.settings_problems(db(), municipality, changes)
    if problems:
        raise InvalidData(f"invalid setting{'s' if len(problems) > 1 else ''}: {', '.join(problems)}", problems)
    settings_admin.update_settings(db(), services().clock, user, municipality, changes)
    db().commit()
    return jsonify(settings_json(municipality))
