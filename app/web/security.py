"""Authentication for pages (session cookie) and API (bearer token), log-in throttling, and security headers.

Both kinds of log-in are rows in `login_sessions` (app/models/session.py): the signed session cookie carries a
random secret (`sid`), an API token is such a secret itself; the row stores only the secret's SHA-256. Log-out
deletes the row, a password change deletes all of the user's rows. Page sessions end after
IOP_SESSION_IDLE_MINUTES without a request and IOP_SESSION_MAX_HOURS after log-in; API tokens after the latter.

Failed log-ins are rows in `login_attempts`; more than IOP_LOGIN_MAX_PER_ACCOUNT failures for one username or
IOP_LOGIN_MAX_PER_ADDRESS from one address within IOP_LOGIN_WINDOW_MINUTES are answered with 429 before any
password is hashed. Everything lives in the database, so several processes share it.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import delete, func, select

from app.config import Settings
from app.core.errors import Forbidden
from app.domain import memberships
from app.domain.passwords import verify_password
from app.models import LoginAttempt, LoginSession, Membership, User
from app.web.context import db, services

F = TypeVar("F", bound=Callable[..., Any])
WEB = "web"
API = "api"
# the API's choice of membership for one request, for people with roles in several municipalities
MUNICIPALITY_HEADER = "X-IOP-Municipality"
ROLE_HEADER = "X-IOP-Role"
_TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often per session
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$3mFQkBj7L4tH1jJQxYk2b9m0i8m4x4k6u1o2p3q4r5s"


def _settings() -> Settings:
    return services().settings


def _now() -> datetime:
    return services().clock.now()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def client_address() -> str:
    """The caller's address; X-Forwarded-For counts only through ProxyFix (IOP_TRUSTED_PROXIES)."""
    return (request.remote_addr or "")[:64]


# --- log-in throttling --------------------------------------------------------------------------------------

class LoginThrottled(Exception):
    """Too many failed log-ins for this account or address; retry_after is in whole seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed log-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


def _wait_after(times: list[datetime], limit: int, window: timedelta, now: datetime) -> timedelta | None:
    """`times` are the latest failures, newest first; the wait until fewer than `limit` remain in the window."""
    if len(times) < limit:
        return None
    return times[limit - 1] + window - now


def retry_after(username: str, address: str) -> int | None:
    """Seconds until a log-in as `username` from `address` may be tried again, or None when it may now."""
    settings = _settings()
    now = _now()
    window = timedelta(minutes=settings.login_window_minutes)
    since = now - window
    failed = (LoginAttempt.succeeded.is_(False), LoginAttempt.reason != "throttled", LoginAttempt.at > since)
    last_success = db().scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.succeeded.is_(True), LoginAttempt.at > since))
    account = list(db().scalars(
        select(LoginAttempt.at).where(LoginAttempt.username == username, *failed,
                                      LoginAttempt.at > (last_success or since))
        .order_by(LoginAttempt.at.desc()).limit(settings.login_max_per_account)))
    by_address = list(db().scalars(
        select(LoginAttempt.at).where(LoginAttempt.address == address, *failed)
        .order_by(LoginAttempt.at.desc()).limit(settings.login_max_per_address)))
    waits = [w for w in (_wait_after(account, settings.login_max_per_account, window, now),
                         _wait_after(by_address, settings.login_max_per_address, window, now)) if w is not None]
    if not waits:
        return None
    return max(1, math.ceil(max(waits).total_seconds()))


def record_attempt(username: str, channel: str, *, succeeded: bool, reason: str = "") -> None:
    """Store one log-in attempt (committed at once, so that a failure counts even when the answer is an error)."""
    db().add(LoginAttempt(at=_now(), username=username[:80], address=client_address(), channel=channel[:10],
                          succeeded=succeeded, reason=reason[:40]))
    db().commit()


def _check_password(username: str, password: str) -> tuple[User | None, str]:
    user = db().scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)  # same work either way: no user enumeration by timing
        return None, "unknown_user" if user is None else "inactive"
    if not verify_password(user.password_hash, password):
        return None, "wrong_password"
    return user, ""


def authenticate(username: str, password: str, channel: str = "page") -> User | None:
    """Check a username and password, throttled and recorded. Raises LoginThrottled without hashing anything
    when the account or the address has too many recent failures."""
    username = (username or "").strip()[:80]
    wait = retry_after(username, client_address())
    if wait is not None:
        record_attempt(username, channel, succeeded=False, reason="throttled")
        raise LoginThrottled(wait)
    user, reason = _check_password(username, password or "")
    record_attempt(username, channel, succeeded=user is not None, reason=reason)
    return user


# --- server-side sessions -----------------------------------------------------------------------------------

def _open_session(user: User, kind: str, membership_id: int | None = None) -> str:
    settings = _settings()
    now = _now()
    secret = secrets.token_urlsafe(32)
    db().execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now))
    db().execute(delete(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.kind == WEB,
        LoginSession.last_seen_at <= now - timedelta(minutes=settings.session_idle_minutes)))
    db().add(LoginSession(id=_digest(secret), user_id=user.id, kind=kind, created_at=now, last_seen_at=now,
                          expires_at=now + timedelta(hours=settings.session_max_hours),
                          address=client_address(), membership_id=membership_id))
    db().commit()
    return secret


def _user_of_session(secret: object, kind: str) -> User | None:
    if not isinstance(secret, str) or not secret or len(secret) > 200:
        return None
    row = db().get(LoginSession, _digest(secret))
    if row is None or row.kind != kind:
        return None
    now = _now()
    idle = timedelta(minutes=_settings().session_idle_minutes)
    if now >= row.expires_at or (kind == WEB and now - row.last_seen_at >= idle):
        db().delete(row)
        db().commit()
        return None
    user = db().get(User, row.user_id)
    if user is None or not user.active:
        return None
    _act_through_membership(user, row)
    if kind == WEB and now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        if not (db().new or db().deleted or len(db().dirty) > 1):
            db().commit()  # nothing else is pending: keep the session alive now (else with the view's commit)
    return user


def _act_through_membership(user: User, row: LoginSession) -> None:
    """Make the request act through one of the user's memberships (app.domain.memberships): the API's headers
    name one (403 when the person holds none such), else the session's stored choice, else the home one."""
    municipality = role = None
    if row.kind == API:
        municipality = request.headers.get(MUNICIPALITY_HEADER, "").strip()[:40] or None
        role = request.headers.get(ROLE_HEADER, "").strip()[:20] or None
    try:
        chosen = memberships.choose(db(), user, row.membership_id, municipality=municipality, role=role)
    except memberships.MembershipError as exc:
        raise Forbidden(f"{exc} (the {MUNICIPALITY_HEADER} and {ROLE_HEADER} headers choose among your "
                        "memberships)") from exc
    memberships.act_as(user, chosen)


def switch_membership(membership_id: int) -> Membership | None:
    """Pages: act through another of the logged-in person's memberships from now on (stored in the session
    row). None, and nothing changed, when it is not one of theirs."""
    user = current_user()
    secret = session.get("sid")
    if user is None or not isinstance(secret, str) or len(secret) > 200:
        return None
    chosen = next((m for m in memberships.of_user(db(), user.id) if m.id == membership_id), None)
    row = db().get(LoginSession, _digest(secret))
    if chosen is None or row is None:
        return None
    row.membership_id = chosen.id
    memberships.act_as(user, chosen)
    db().commit()
    return chosen


def issue_token(user: User) -> str:
    """A new API token: a log-in session of kind "api" that ends after IOP_SESSION_MAX_HOURS."""
    return _open_session(user, API)


def token_lifetime_seconds() -> int:
    return _settings().session_max_hours * 3600


def user_from_token(token: str) -> User | None:
    return _user_of_session(token, API)


def revoke_token(token: str) -> bool:
    """End the API token's session; False when it was not a live token."""
    if not token or len(token) > 200:
        return False
    result = db().execute(delete(LoginSession).where(LoginSession.id == _digest(token), LoginSession.kind == API))
    db().commit()
    return bool(getattr(result, "rowcount", 0))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


def current_user() -> User | None:
    if "user" in g:
        return cast(User | None, g.user)
    user: User | None = None
    token = bearer_token()
    if token is not None:
        user = user_from_token(token)
    elif "sid" in session and not request.path.startswith("/api/"):
        user = _user_of_session(session["sid"], WEB)
        if user is None:
            session.pop("sid", None)
    g.user = user
    return user


def login_user(user: User) -> None:
    """Start a page session for `user` (a new server-side row; commits the request's database session).

    For every way of logging in (passwords here, OpenID Connect elsewhere)."""
    session.clear()
    session["sid"] = _open_session(user, WEB, memberships.acting_membership_id(user))
    session["lang"] = user.language or "sv"
    g.user = user


def logout_user() -> None:
    """End the current page session: its server-side row is deleted, so a copied cookie stops working too."""
    secret = session.get("sid")
    if isinstance(secret, str) and len(secret) <= 200:
        db().execute(delete(LoginSession).where(LoginSession.id == _digest(secret)))
        db().commit()
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


# --- cookies and headers ------------------------------------------------------------------------------------

class SessionCookies(SecureCookieSessionInterface):
    """The signed session cookie, marked Secure when the request came over HTTPS or IOP_HTTPS says the site is
    served over HTTPS (behind a proxy that does not tell)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (bool(request) and request.is_secure)


CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",  # also applies to redirects after a form post (see the OpenID log-out)
    "frame-ancestors 'none'",
))


def security_headers(response: Response) -> Response:
    settings = _settings()
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if settings.hsts_seconds and (settings.https or request.is_secure):
        response.headers.setdefault("Strict-Transport-Security", f"max-age={settings.hsts_seconds}")
    return response
