"""The blueprint of the JSON API under /api/v1; every route module of app/web/api registers on it."""

from __future__ import annotations

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")
