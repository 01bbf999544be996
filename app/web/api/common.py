"""Helpers shared by the API modules: the caller, JSON bodies, ids and paging."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import request
from sqlalchemy import select

from app import i18n
from app.core.errors import Forbidden, InvalidData
from app.core.errors import Unauthenticated as Unauthorized
from app.models import Municipality, User
from app.web.api import jsonbody
from app.web.context import db
from app.web.security import current_user

F = TypeVar("F", bound=Callable[..., Any])


def caller() -> User:
    user = current_user()
    if user is None:
        raise Unauthorized("log in first: send Authorization: Bearer <token> from POST /api/v1/auth/token")
    return user


def authenticated(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        caller()
        return view(*args, **kwargs)

    return cast(F, wrapper)


def json_body(*known: str) -> dict[str, Any]:
    """The request's JSON object ({} for an empty body), whatever the Content-Type says.

    A field not in `known` is refused, so that a misspelt optional field is not silently ignored."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    body = jsonbody.parse(raw)
    if not isinstance(body, dict):
        raise InvalidData("the body must be a JSON object", {"body": "send a JSON object"})
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise InvalidData(f"unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
                          {name: f"unknown field; expected one of {', '.join(known)}" for name in unknown})
    return body


def string_field(body: dict[str, Any], name: str, *, required: bool = True, max_length: int = 500) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise InvalidData(f"{name} is required", {name: "required"})
        return None
    if not isinstance(value, str):
        raise InvalidData(f"{name} must be a string", {name: "must be a string"})
    if "\x00" in value:
        raise InvalidData(f"{name} contains a NUL character", {name: "contains a NUL character"})
    if len(value) > max_length:
        raise InvalidData(f"{name} is too long", {name: f"at most {max_length} characters"})
    return value


def row_id(raw: str) -> int | None:
    """The database id in a path or query segment: ASCII digits that fit the id column (PostgreSQL INTEGER, the
    same bound as the `int` route converter in app/web/__init__.py), else None: a 404 like any unknown id."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > 2**31 - 1:
        return None
    return int(raw)


def text_language() -> i18n.Language:
    """The language of plain-words texts in an answer, such as a failed case's incident: `?lang=en` for English,
    else Swedish (field messages, worded in English unless `?lang=sv`, choose theirs where they are made)."""
    return i18n.language(request.args.get("lang"))


def paging() -> tuple[int, int]:
    try:
        limit = int(request.args.get("limit", 50))
        offset = int(request.args.get("offset", 0))
    except ValueError as exc:
        raise InvalidData("limit and offset must be whole numbers", {"limit": "whole number"}) from exc
    if not 1 <= limit <= 500 or not 0 <= offset <= 10**9:
        raise InvalidData("limit must be 1-500 and offset 0 or more", {"limit": "1-500", "offset": "0 or more"})
    return limit, offset


def municipality_for(user: User, slug: str | None, roles: tuple[str, ...], *, not_role: str,
                     not_own: str) -> Municipality:
    """The municipality a cross-agreement list is for: staff get their own (naming another is `not_own`, 403);
    an administrator without one must name it. A role outside `roles` is refused with `not_role` (403)."""
    if user.role not in roles:
        raise Forbidden(not_role)
    if user.municipality_id is not None:
        own = db().get(Municipality, user.municipality_id)
        assert own is not None
        if slug and slug != own.slug:
            raise Forbidden(not_own)
        return own
    if not slug:
        raise InvalidData("municipality is required", {"municipality": "name the municipality, e.g. stenungsund"})
    found = db().scalar(select(Municipality).where(Municipality.slug == slug[:40]))
    if found is None:
        raise InvalidData("unknown municipality", {"municipality": "no such municipality"})
    return found
