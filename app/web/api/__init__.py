"""The JSON API under /api/v1: bearer tokens only, JSON errors, described by /api/v1/openapi.json."""

from __future__ import annotations

from app.web.api import (  # noqa: F401  (routes register on import)
    agreement_actions,
    agreement_document,
    agreements,
    auth,
    case_admin,
    cases,
    clock,
    definitions,
    delegation,
    documents,
    drafts,
    guidelines,
    migrations,
    municipal_settings,
    openapi,
    organisations,
    payments,
    state_aid,
    tasks,
    users,
)
from app.web.api.blueprint import api

__all__ = ["api"]
