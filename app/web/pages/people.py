"""People and roles, /admin/people: an administrator lists the people with a role in their municipality, grants
a role to an existing person, revokes a membership, creates a staff account and deactivates or activates an
account (`set_active`: only the accounts whose own municipality is theirs, never their own).

The same domain functions and rules as the JSON API (app/web/api/users.py): `memberships.grant`,
`memberships.revoke` and `add_user`; an administrator of a municipality acts within it only (a form naming
another municipality is a 403, a membership of another a 404), the home membership (the person's own role and
municipality) is not revoked. An administrator without a municipality sees everyone and chooses a municipality
(templates/_municipality_choice.html) to grant roles or create accounts in. Each change is logged as one
structured line (logger `app.admin.people`, field `event`; deactivating and activating by the domain,
logger `app.accounts`, the same for the API and the CLI).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from app.core.errors import Forbidden, NotFound
from app.core.roles import PROVIDER_ROLES, Role
from app.domain import memberships
from app.domain.accounts import (
    AccountError,
    active_refusal,
    add_user,
    check_may_set_active,
    email_problem,
    set_active,
)
from app.domain.passwords import MIN_LENGTH
from app.models import Membership, Municipality, User
from app.web.context import db, services
from app.web.i18n import translate
from app.web.pages.common import role_title, user
from app.web.security import login_required

bp = Blueprint("people", __name__, url_prefix="/admin/people")
log = logging.getLogger("app.admin.people")

PAGE_SIZE = 50
MAX_SEARCH = 80
# the roles an administrator grants or gives a new account: the municipality's staff and its administrator
ROLE_CHOICES: tuple[str, ...] = tuple(str(role) for role in PROVIDER_ROLES)
GRANT_FIELDS = ("username", "role")
CREATE_FIELDS = ("new_username", "name", "email", "new_role", "password", "password_again")
MAX_LENGTHS = {"username": 80, "new_username": 80, "name": 200, "email": 254, "role": 20, "new_role": 20,
               "password": 1000, "password_again": 1000}


def _scope(admin: User, slug: str | None) -> tuple[Municipality | None, list[Municipality]]:
    """The municipality the page is for: a municipality's administrator's own (naming another is a 403); an
    administrator without one: the chosen one (None for everyone) and the choices (an unknown name is a 404)."""
    slug = (slug or "").strip()[:40]
    if admin.municipality_id is not None:
        own = db().get(Municipality, admin.municipality_id)
        if own is None:
            raise NotFound("no such municipality")
        if slug and slug != own.slug:
            raise Forbidden(f"an administrator of {own.slug} manages only that municipality's people")
        return own, []
    choices = list(db().scalars(select(Municipality).order_by(Municipality.name)))
    chosen = next((m for m in choices if m.slug == slug), None)
    if slug and chosen is None:
        raise NotFound("no such municipality")
    return chosen, choices


def _page_number(text: str | None) -> int:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 6 and int(text) > 0 else 1


def _people(municipality: Municipality | None, search: str, page: int) -> tuple[list[User], int]:
    """One page of the people in scope (by username) and how many there are in all."""
    query = select(User)
    if municipality is not None:
        query = query.where(User.id.in_(memberships.member_ids(municipality.id)))
    if search:
        needle = search.lower()
        query = query.where(or_(func.lower(User.username).contains(needle, autoescape=True),
                                func.lower(User.display_name).contains(needle, autoescape=True)))
    total = db().scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(db().scalars(query.order_by(User.username).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return rows, total


def _memberships_of(people: list[User], municipality: Municipality | None,
                    admin: User) -> dict[int, list[Membership]]:
    """Each listed person's memberships: a municipality's administrator sees those in their municipality only."""
    held: dict[int, list[Membership]] = {person.id: [] for person in people}
    if not people:
        return held
    query = (select(Membership).join(Municipality, Municipality.id == Membership.municipality_id)
             .where(Membership.user_id.in_(list(held))))
    if admin.municipality_id is not None:
        query = query.where(Membership.municipality_id == admin.municipality_id)
    for row in db().scalars(query.order_by(Municipality.name, Membership.role, Membership.id)):
        held[row.user_id].append(row)
    return held


def _homes(user_ids: list[int]) -> set[tuple[int, str, int | None]]:
    """(user id, role, municipality id) of each person's home membership, as stored: read as columns, since the
    logged-in administrator's own User object reads as the membership they act through."""
    if not user_ids:
        return set()
    rows = db().execute(select(User.id, User.role, User.municipality_id).where(User.id.in_(user_ids)))
    return {(user_id, str(role), municipality_id) for user_id, role, municipality_id in rows}


def _home_test(homes: set[tuple[int, str, int | None]]) -> Callable[[Membership], bool]:
    """Whether a membership is its person's home one, among `homes` (`_homes`)."""
    def is_home(row: Membership) -> bool:
        return (row.user_id, str(row.role), row.municipality_id) in homes

    return is_home


def _switchable(admin: User, homes: set[tuple[int, str, int | None]]) -> set[int]:
    """The people of `homes` (`_homes`) whose account the administrator may deactivate or activate (the domain's
    rule, on the stored home municipalities)."""
    return {user_id for user_id, _, municipality_id in homes if active_refusal(admin, user_id, municipality_id) is None}


def _render(municipality: Municipality | None, choices: list[Municipality], *, status: int = 200,
            grant_raw: dict[str, str] | None = None, grant_errors: dict[str, str] | None = None,
            create_raw: dict[str, str] | None = None, create_errors: dict[str, str] | None = None,
            confirm: tuple[Membership, User] | None = None, revoke_error: str = "",
            confirm_deactivate: User | None = None) -> Any:
    admin = user()
    search = (request.values.get("q") or "").strip()[:MAX_SEARCH]
    page = _page_number(request.args.get("page"))
    people, total = _people(municipality, search, page)
    slug = municipality.slug if municipality is not None and choices else ""
    homes = _homes([p.id for p in people])  # one read for the home marks and the account buttons

    def link(**changes: Any) -> str:
        params = {"municipality": slug, "q": search, **changes}
        query = urlencode({k: v for k, v in params.items() if v not in (None, "", 1)})
        return url_for("people.index") + (f"?{query}" if query else "")

    context = {
        "municipality": municipality, "choices": choices, "people": people, "total": total, "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)), "search": search, "link": link, "slug": slug,
        "held": _memberships_of(people, municipality, admin), "is_home": _home_test(homes),
        "role_title": role_title,
        "roles": ROLE_CHOICES, "min_length": MIN_LENGTH,
        "grant_raw": grant_raw or {}, "grant_errors": grant_errors or {},
        "create_raw": create_raw or {}, "create_errors": create_errors or {},
        "errors": {**(grant_errors or {}), **(create_errors or {})}, "page_size": PAGE_SIZE,
        "confirm": confirm, "revoke_error": revoke_error, "confirm_deactivate": confirm_deactivate,
        "may_switch": _switchable(admin, homes),
    }
    return render_template("admin/people.html", **context), status


@bp.get("/")
@login_required(Role.ADMIN)
def index() -> Any:
    municipality, choices = _scope(user(), request.args.get("municipality"))
    return _render(municipality, choices)


def _form(names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.form.get(name, "")[:MAX_LENGTHS[name]] for name in names}


def _acting_municipality(admin: User) -> tuple[Municipality, list[Municipality]]:
    """The municipality a change is made in: the administrator's own or, for one without, the form's."""
    municipality, choices = _scope(admin, request.form.get("municipality"))
    if municipality is None:
        raise NotFound("choose a municipality first")
    return municipality, choices


def _done(municipality: Municipality, choices: list[Municipality], message: str) -> Any:
    flash(message, "info")
    return redirect(url_for("people.index", municipality=municipality.slug if choices else None), 303)


@bp.post("/grant")
@login_required(Role.ADMIN)
def grant() -> Any:
    """Give an existing person (by username) a role in the administrator's municipality."""
    admin = user()
    municipality, choices = _acting_municipality(admin)
    raw = _form(GRANT_FIELDS)
    username, role = raw["username"].strip(), raw["role"]
    errors: dict[str, str] = {}
    person = db().scalar(select(User).where(User.username == username)) if username else None
    if not username:
        errors["username"] = translate("people.error.username_required")
    elif person is None:
        errors["username"] = translate("people.error.username_unknown", username=username)
    elif person.organisation_id is not None or person.role == Role.ORGANISATION:
        errors["username"] = translate("people.error.organisation_user", username=username)
    if role not in ROLE_CHOICES:
        errors["role"] = translate("people.error.role")
    if errors or person is None:
        return _render(municipality, choices, status=422, grant_raw=raw, grant_errors=errors)
    if memberships.holds(db(), person.id, role, municipality.id):
        errors["role"] = translate("people.error.already_holds", username=person.username,
                                   role=role_title(role), municipality=municipality.name)
        return _render(municipality, choices, status=422, grant_raw=raw, grant_errors=errors)
    try:
        memberships.grant(db(), person, role, municipality)
    except memberships.MembershipError as exc:  # the checks above should have caught it; name the field anyway
        field = exc.field if exc.field in GRANT_FIELDS else "username"
        errors[field] = translate("people.error.refused")
        return _render(municipality, choices, status=422, grant_raw=raw, grant_errors=errors)
    db().commit()
    log.info("membership granted: %s %s in %s by %s", person.username, role, municipality.slug, admin.username,
             extra={"fields": {"event": "membership_granted", "username": person.username, "role": role,
                               "municipality": municipality.slug, "by": admin.username}})
    return _done(municipality, choices, translate("people.granted", username=person.username,
                                                  role=role_title(role), municipality=municipality.name))


@bp.post("/revoke")
@login_required(Role.ADMIN)
def revoke() -> Any:
    """Take a membership away: a first post asks for confirmation, the second (confirm=yes) revokes it."""
    admin = user()
    text = request.form.get("membership", "").strip()
    found = db().get(Membership, int(text)) if text.isascii() and text.isdigit() and len(text) <= 12 else None
    if found is None or (admin.municipality_id is not None and found.municipality_id != admin.municipality_id):
        raise NotFound("no such membership in your municipality")
    person = db().get(User, found.user_id)
    assert person is not None
    municipality, choices = _scope(admin, found.municipality.slug if admin.municipality_id is None else None)
    assert municipality is not None
    if _home_test(_homes([person.id]))(found):
        return _render(municipality, choices, status=422, revoke_error=translate(
            "people.error.home", username=person.username, role=role_title(found.role),
            municipality=found.municipality.name))
    if request.form.get("confirm") != "yes":
        return _render(municipality, choices, confirm=(found, person))
    role, where, own_acting = found.role, found.municipality, memberships.acting_membership_id(admin) == found.id
    try:
        memberships.revoke(db(), person, role, where)
    except memberships.MembershipError:
        return _render(municipality, choices, status=422, revoke_error=translate(
            "people.error.home", username=person.username, role=role_title(role), municipality=where.name))
    db().commit()
    log.info("membership revoked: %s %s in %s by %s", person.username, role, where.slug, admin.username,
             extra={"fields": {"event": "membership_revoked", "username": person.username, "role": role,
                               "municipality": where.slug, "by": admin.username}})
    message = translate("people.revoked", username=person.username, role=role_title(role), municipality=where.name)
    if own_acting:  # the administrator gave up the membership they act through: no longer this page's
        flash(message, "info")
        return redirect(url_for("auth.home"), 303)
    return _done(municipality, choices, message)


@bp.post("/active")
@login_required(Role.ADMIN)
def switch_active() -> Any:
    """Deactivate an account (a first post asks for confirmation, the second, confirm=yes, does it) or activate
    one again (at once). Who may: app.domain.accounts.check_may_set_active (another municipality's person is a
    403, one's own account a 422). Logged by the domain (logger `app.accounts`)."""
    admin = user()
    municipality, choices = _scope(admin, request.form.get("municipality"))
    text = request.form.get("user", "").strip()
    person = db().get(User, int(text)) if text.isascii() and text.isdigit() and len(text) <= 9 else None
    if person is None:
        raise NotFound("no such person")
    active = request.form.get("active") == "yes"
    try:
        if not active and request.form.get("confirm") != "yes":
            check_may_set_active(db(), admin, person)
            return _render(municipality, choices, confirm_deactivate=person)
        set_active(db(), person, active, by=admin, via="page")
    except AccountError:  # one's own account (nothing was changed)
        return _render(municipality, choices, status=422, revoke_error=translate("people.error.own_account"))
    db().commit()
    flash(translate("people.activated" if active else "people.deactivated", username=person.username), "info")
    search = (request.form.get("q") or "").strip()[:MAX_SEARCH]
    return redirect(url_for("people.index", municipality=municipality.slug if municipality and choices else None,
                            q=search or None), 303)


def _create_problems(raw: dict[str, str]) -> dict[str, str]:
    """What keeps the form from becoming an account, by field, in the page's words (add_user checks again)."""
    errors: dict[str, str] = {}
    username = raw["new_username"].strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        errors["new_username"] = translate("people.error.new_username")
    elif db().scalar(select(User.id).where(User.username == username)) is not None:
        errors["new_username"] = translate("people.error.username_taken", username=username)
    email = raw["email"].strip()
    if email and email_problem(email):
        errors["email"] = translate("people.error.email")
    if raw["new_role"] not in ROLE_CHOICES:
        errors["new_role"] = translate("people.error.role")
    if len(raw["password"]) < MIN_LENGTH:
        errors["password"] = translate("people.error.password", count=MIN_LENGTH)
    elif raw["password"] != raw["password_again"]:
        errors["password_again"] = translate("people.error.password_again")
    return errors


@bp.post("/create")
@login_required(Role.ADMIN)
def create() -> Any:
    """A new staff account in the administrator's municipality, with the password the administrator typed."""
    admin = user()
    municipality, choices = _acting_municipality(admin)
    raw = _form(CREATE_FIELDS)
    errors = _create_problems(raw)
    kept = {**raw, "password": "", "password_again": ""}  # a password is never written back into the page
    if errors:
        return _render(municipality, choices, status=422, create_raw=kept, create_errors=errors)
    try:
        created = add_user(db(), services().clock, raw["new_username"].strip(), raw["password"], raw["new_role"],
                           municipality=municipality.slug, email=raw["email"].strip() or None,
                           display_name=raw["name"].strip())
    except AccountError as exc:
        db().rollback()
        field = {"username": "new_username", "role": "new_role"}.get(exc.field or "", exc.field or "new_username")
        field = field if field in CREATE_FIELDS else "new_username"
        return _render(municipality, choices, status=422, create_raw=kept,
                       create_errors={field: translate("people.error.refused")})
    db().commit()
    log.info("user created: %s %s in %s by %s", created.username, created.role, municipality.slug, admin.username,
             extra={"fields": {"event": "user_created", "username": created.username, "role": str(created.role),
                               "municipality": municipality.slug, "by": admin.username}})
    return _done(municipality, choices, translate("people.created", username=created.username,
                                                  role=role_title(created.role), municipality=municipality.name))
