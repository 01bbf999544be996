"""Authentication for pages (session cookie) and API (bearer token), and security headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, current_app, g, redirect, request, session, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.domain.passwords import verify_password
from app.engine.errors import Forbidden
from app.models import User
from app.web.context import db

F = TypeVar("F", bound=Callable[..., Any])
TOKEN_MAX_AGE = 12 * 3600
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$3mFQkBj7L4tH1jJQxYk2b9m0i8m4x4k6u1o2p3q4r5s"


def authenticate(username: str, password: str) -> User | None:
    user = db().scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password or "")  # same work either way: no user enumeration by timing
        return None
    return user if verify_password(user.password_hash, password or "") else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="iop-api-token")


def issue_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "ph": user.password_hash[-12:]})


def user_from_token(token: str) -> User | None:
    try:
        payload = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(payload, dict):
        return None
    user = db().get(User, payload.get("uid"))
    if user is None or not user.active or user.password_hash[-12:] != payload.get("ph"):
        return None
    return user


def current_user() -> User | None:
    if "user" in g:
        return cast(User | None, g.user)
    user: User | None = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_from_token(header[7:].strip())
    elif "uid" in session and not request.path.startswith("/api/"):
        found = db().get(User, session["uid"])
        user = found if found is not None and found.active else None
    g.user = user
    return user


def login_user(user: User) -> None:
    session.clear()
    session["uid"] = user.id
    session["lang"] = user.language or "sv"
    g.user = user


def logout_user() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.user = None


def login_required(*roles: str) -> Callable[[F], F]:
    """Pages: redirect to the log-in page when anonymous; 403 when the role does not fit."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if roles and user.role not in roles:
                raise Forbidden("your role cannot open this page")
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    )
    return response
