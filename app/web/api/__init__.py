"""The JSON API under /api/v1: bearer tokens only, JSON errors, described by /api/v1/openapi.json."""

from __future__ import annotations

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from app.web.api import (  # noqa: E402,F401  (routes register on import)
    agreement_actions,
    agreements,
    auth,
    case_admin,
    cases,
    clock,
    definitions,
    drafts,
    migrations,
    openapi,
    organisations,
    payments,
    tasks,
    users,
)
