"""Log in, log out, switch language, and "/" which sends each role to its start page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from app.web.i18n import LANGUAGES, translate
from app.web.pages.common import safe_next
from app.web.security import authenticate, current_user, login_user, logout_user

bp = Blueprint("auth", __name__)


def start_page(role: str) -> str:
    if role == "organisation":
        return url_for("portal.index")
    if role in ("admin", "process_owner"):
        return url_for("admin.index")
    return url_for("tasks.index")


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
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    user = authenticate(username, password) if username and password else None
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


@bp.post("/language")
def language() -> Any:
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(safe_next(request.form.get("next"), url_for("auth.home")))
