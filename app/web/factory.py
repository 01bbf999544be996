"""`create_app`: the web app with its services. Everything a test varies (database, clock, mail) comes in here.

It lives in the web package, not in `app/__init__.py`, so that importing any module of `app` (the expression
sandbox's worker process, the scheduler, a migration) does not load Flask and every blueprint first."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.config import Settings
from app.core.clock import Clock
from app.services import Services, build_services
from app.web import register


def create_app(config: Settings | None = None, *, clock: Clock | None = None,
               services: Services | None = None, **overrides: Any) -> Flask:
    """Build the web app."""
    settings = config or Settings.from_env(**overrides)
    svc = services or build_services(settings, clock)
    app = Flask("app", instance_path=str(settings.instance_path))  # the root path stays app/
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        TESTING=settings.testing,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]  # forms keep their field order
    app.extensions["iop"] = svc
    register(app)
    return app

