"""One place that turns errors into answers: JSON under /api/, a page elsewhere. Never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.core.errors import (
    Conflict,
    DefinitionInvalid,
    Forbidden,
    InvalidData,
    NotFound,
    ScriptFailure,
    Unauthenticated,
)

log = logging.getLogger(__name__)

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid",
          429: "too_many_requests", 500: "server_error"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, fields: dict[str, Any] | None = None) -> Any:
    if wants_json():
        body: dict[str, Any] = {"code": _CODES.get(status, str(status)), "message": message}
        if fields:
            body["fields"] = fields
        return jsonify({"error": body}), status
    try:
        return render_template("error.html", status=status, message=message), status
    except Exception:  # noqa: BLE001 - template missing or broken: still answer plainly
        return f"{status}: {message}", status, {"Content-Type": "text/plain; charset=utf-8"}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> Any:
        return error_response(404, str(exc))

    @app.errorhandler(Unauthenticated)
    def _unauthenticated(exc: Unauthenticated) -> Any:
        return error_response(401, str(exc))

    @app.errorhandler(StaleDataError)
    def _stale(exc: StaleDataError) -> Any:
        return error_response(409, "the case was changed by someone else at the same time; reload and try again")

    @app.errorhandler(DataError)
    def _data(exc: DataError) -> Any:
        log.warning("database refused a value: %s", exc.orig)
        return error_response(422, "a value contains characters or a size the database cannot store")

    @app.errorhandler(Forbidden)
    def _forbidden(exc: Forbidden) -> Any:
        return error_response(403, str(exc))

    @app.errorhandler(Conflict)
    def _conflict(exc: Conflict) -> Any:
        return error_response(409, str(exc))

    @app.errorhandler(InvalidData)
    def _invalid(exc: InvalidData) -> Any:
        return error_response(422, str(exc), exc.fields)

    @app.errorhandler(DefinitionInvalid)
    def _definition(exc: DefinitionInvalid) -> Any:
        return error_response(422, "the definition was refused", {"problems": exc.problems})

    @app.errorhandler(ScriptFailure)
    def _script(exc: ScriptFailure) -> Any:
        log.error("diagram failure: %s", exc)
        return error_response(422, f"the process diagram could not continue: {exc}")

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        return error_response(400, "the form has expired or was not sent from this site; reload the page and try again")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        return error_response(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unexpected error")
        return error_response(500, "something went wrong on our side; the error has been logged")
