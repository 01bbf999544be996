"""Log in, log out, change one's password, switch language, and "/" which sends each role to its start page."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from app.core.roles import Role
from app.domain import memberships
from app.domain.accounts import AccountError, change_password
from app.domain.passwords import MIN_LENGTH, verify_password
from app.web.context import db
from app.web.i18n import LANGUAGES, translate
from app.web.pages.common import role_title, safe_next
from app.web.pages.common import user as logged_in
from app.web.security import (
    LoginThrottled,
    authenticate,
    client_address,
    current_user,
    login_required,
    login_user,
    logout_user,
    record_attempt,
    retry_after,
    switch_membership,
)

bp = Blueprint("auth", __name__)


def start_page(role: str) -> str:
    if role == Role.ORGANISATION:
        return url_for("portal.index")
    if role in (Role.ADMIN, Role.PROCESS_OWNER):
        return url_for("admin.index")
    return url_for("tasks.index")


def _throttled_text(seconds: int) -> str:
    return translate("login.throttled", minutes=max(1, math.ceil(seconds / 60)))


@bp.get("/")
def home() -> Any:
    user = current_user()
    if user is None:
        return redirect(url_for("auth.login"))
    return redirect(start_page(user.role))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    target = request.values.get("next", "")
    if request.method == "GET":
        if current_user() is not None:
            return redirect(safe_next(target, start_page(current_user().role)))  # type: ignore[union-attr]
        return render_template("auth/login.html", username="", next=target, error="")
    username = request.form.get("username", "").strip()[:80]
    password = request.form.get("password", "")
    try:
        user = authenticate(username, password, channel="page") if username and password else None
    except LoginThrottled as exc:
        page = render_template("auth/login.html", username=username, next=target,
                               error=_throttled_text(exc.retry_after))
        return page, 429, {"Retry-After": str(exc.retry_after)}
    if user is None:
        error = translate("login.error")
        return render_template("auth/login.html", username=username, next=target, error=error), 401
    chosen = session.get("lang")
    login_user(user)
    if chosen in LANGUAGES:
        session["lang"] = chosen  # a language picked before logging in wins over the stored one
    return redirect(safe_next(target, start_page(user.role)))


@bp.post("/logout")
def logout() -> Any:
    logout_user()
    flash(translate("login.logged_out"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required()
def password() -> Any:
    """Change one's own password: the current one, the new one twice. Ends every other session and API token."""
    me = logged_in()
    if request.method == "GET":
        return render_template("auth/password.html", errors={})
    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    again = request.form.get("new_password_again", "")
    wait = retry_after(me.username, client_address())
    if wait is not None:
        record_attempt(me.username, "password", succeeded=False, reason="throttled")
        throttled = {"current_password": _throttled_text(wait)}
        return render_template("auth/password.html", errors=throttled), 429, {"Retry-After": str(wait)}
    errors: dict[str, str] = {}
    if not current or len(current) > 1000 or not verify_password(me.password_hash, current):
        record_attempt(me.username, "password", succeeded=False, reason="wrong_current_password")
        errors["current_password"] = translate("password.wrong_current")
    elif len(new) < MIN_LENGTH or len(new) > 1000:
        errors["new_password"] = translate("password.too_short", count=MIN_LENGTH)
    elif new != again:
        errors["new_password_again"] = translate("password.differ")
    if errors:
        return render_template("auth/password.html", errors=errors), 422
    try:
        change_password(db(), me, new)
    except AccountError:
        errors["new_password"] = translate("password.too_short", count=MIN_LENGTH)
        return render_template("auth/password.html", errors=errors), 422
    lang = session.get("lang")
    login_user(me)  # every session was ended, this one included: start a fresh one (commits the change)
    if lang in LANGUAGES:
        session["lang"] = lang
    flash(translate("password.changed"), "info")
    return redirect(start_page(me.role))


@bp.post("/language")
def language() -> Any:
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(safe_next(request.form.get("next"), url_for("auth.home")))


@bp.post("/account/membership")
@login_required()
def membership() -> Any:
    """Act through another of one's memberships (a role in a municipality) from now on: the switcher in the
    navigation, shown to people with more than one."""
    raw = request.form.get("membership", "")
    chosen = switch_membership(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None
    if chosen is None:
        flash(translate("membership.unknown"), "error")
        return redirect(safe_next(request.form.get("next"), url_for("auth.home")))
    flash(translate("membership.switched", role=role_title(chosen.role), municipality=chosen.municipality.name),
          "info")
    return redirect(start_page(chosen.role))


@bp.app_context_processor
def membership_choices() -> dict[str, Any]:
    def choices() -> list[dict[str, Any]]:
        """The logged-in person's memberships when they have more than one (else no switcher is shown)."""
        me = current_user()
        if me is None:
            return []
        mine = memberships.of_user(db(), me.id)
        if len(mine) < 2:
            return []
        acting = memberships.acting_membership_id(me)  # None: the home one, as the user's own columns say
        return [{"id": m.id, "label": f"{role_title(m.role)}, {m.municipality.name}",
                 "current": m.id == acting if acting is not None
                 else (m.role, m.municipality_id) == (me.role, me.municipality_id)} for m in mine]

    return {"membership_choices": choices}
