"""POST /auth/token (throttled: 429 with Retry-After), POST /auth/logout (revokes the token)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.web.api.blueprint import api
from app.web.api.common import Unauthorized, authenticated, json_body, string_field
from app.web.errors import error_response
from app.web.security import (
    LoginThrottled,
    authenticate,
    bearer_token,
    issue_token,
    revoke_token,
    token_lifetime_seconds,
)


@api.post("/auth/token")
def token() -> Any:
    body = json_body("username", "password")
    username = string_field(body, "username", max_length=80)
    password = string_field(body, "password", max_length=1000)
    try:
        user = authenticate(username or "", password or "", channel="api")
    except LoginThrottled as exc:
        body, status = error_response(429, f"too many failed log-ins; try again in {exc.retry_after} seconds")
        return body, status, {"Retry-After": str(exc.retry_after)}
    if user is None:
        raise Unauthorized("wrong username or password")
    return jsonify({"token": issue_token(user), "token_type": "Bearer", "expires_in": token_lifetime_seconds(),
                    "user": {"username": user.username, "role": user.role}})


@api.post("/auth/logout")
@authenticated
def logout() -> Any:
    revoke_token(bearer_token() or "")
    return "", 204
