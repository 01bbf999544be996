"""Flask wiring: one blueprint per audience, error handling, CSRF, i18n and security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, ValidationError

from app.observability.requests import install as install_request_log
from app.web import blueprints
from app.web.context import close_db
from app.web.errors import register_error_handlers
from app.web.i18n import init_app as init_texts
from app.web.security import SessionCookies, security_headers

csrf = CSRFProtect()
MAX_ROW_ID = 2**31 - 1  # the largest id of an INTEGER primary key on PostgreSQL (every id in a route is one)


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: a database id, so a number beyond the id column (on SQLite a 64-bit overflow,
    on PostgreSQL "integer out of range") is no match: 404 like any id that does not exist."""

    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        if number > MAX_ROW_ID:
            raise ValidationError()
        return number


def register(app: Flask) -> None:
    settings = app.extensions["iop"].settings
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.session_interface = SessionCookies()
    app.config["SESSION_COOKIE_SECURE"] = bool(settings.https)
    csrf.init_app(app)
    init_texts(app)
    app.teardown_appcontext(close_db)
    app.after_request(security_headers)
    install_request_log(app)  # request id, one log line and the HTTP metrics per request
    register_error_handlers(app)
    blueprints.register_all(app, csrf)
