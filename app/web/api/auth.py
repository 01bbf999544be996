"""POST /auth/token."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.web.api import api
from app.web.api.common import Unauthorized, json_body, string_field
from app.web.security import authenticate, issue_token


@api.post("/auth/token")
def token() -> Any:
    body = json_body("username", "password")
    username = string_field(body, "username", max_length=80)
    password = string_field(body, "password", max_length=1000)
    user = authenticate(username or "", password or "")
    if user is None:
        raise Unauthorized("wrong username or password")
    return jsonify({"token": issue_token(user), "token_type": "Bearer", "expires_in": 12 * 3600,
                    "user": {"username": user.username, "role": user.role}})
