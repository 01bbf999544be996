"""Flask wiring: one blueprint per audience, error handling, CSRF, i18n and security headers."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from app.web.context import close_db
from app.web.errors import register_error_handlers
from app.web.security import security_headers

csrf = CSRFProtect()


def register(app: Flask) -> None:
    from app.web import blueprints

    csrf.init_app(app)
    app.teardown_appcontext(close_db)
    app.after_request(security_headers)
    register_error_handlers(app)
    blueprints.register_all(app, csrf)
