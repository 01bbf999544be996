"""The municipality's settings, /admin/settings: its administrator reads and changes them (issue 14).

How the agreements of every process run (renewal dialogue and deadline, longest agreement, payment interval and
repayment rule by default, follow-ups, escalation of unpaid payments), reminders, the guidelines review day and
how long finished cases are kept. Each value is checked (app/domain/settings_admin.py, the same rules as
PUT /api/v1/municipalities/<slug>/settings); a wrong one is named in the error summary and at its field, and the
form keeps what was written. Every change is recorded (who, when, before and after) and listed below the form.

An administrator of a municipality edits that municipality's settings only (another's is a 404); an
administrator without one chooses the municipality (templates/_municipality_choice.html).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.municipal_settings import LATE_RENEWAL_CHOICES, PAYMENT_INTERVALS, REPAYMENT_RULES, settings_of
from app.core.roles import Role
from app.domain import settings_admin
from app.models import DefinitionVersion, Municipality, User
from app.web.context import db, services
from app.web.i18n import translate
from app.web.pages.common import user
from app.web.security import login_required

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")

CHOICES: dict[str, tuple[str, ...]] = {"default_payment_interval": PAYMENT_INTERVALS,
                                       "default_repayment_rule": REPAYMENT_RULES,
                                       "late_renewal_decision": LATE_RENEWAL_CHOICES}
TEXT_FIELDS: tuple[str, ...] = ("guidelines_review_on",)
NUMBER_FIELDS: tuple[str, ...] = tuple(name for name in (*settings_admin.AGREEMENT_FIELDS, "reminder_days_before_due")
                                       if name not in CHOICES)
FORM_FIELDS: tuple[str, ...] = (*settings_admin.AGREEMENT_FIELDS, "reminder_days_before_due", "guidelines_review_on")
MAX_INPUT = 20


def _municipality(viewer: User, slug: str | None) -> tuple[Municipality | None, list[Municipality]]:
    """The administrator's own municipality (naming another is a 404), or, for one without, the chosen one."""
    slug = (slug or "")[:40]
    if viewer.municipality_id is not None:
        own = db().get(Municipality, viewer.municipality_id)
        if own is None or (slug and slug != own.slug):
            raise NotFound("no such municipality")
        return own, []
    choices = list(db().scalars(select(Municipality).order_by(Municipality.name)))
    chosen = next((m for m in choices if m.slug == slug), None)
    if slug and chosen is None:
        raise NotFound("no such municipality")
    return chosen, choices


def _raw_of(municipality: Municipality) -> dict[str, str]:
    """The stored settings as the form writes them."""
    stored = settings_of(municipality).to_mapping()
    raw = {name: str(stored[name]) for name in FORM_FIELDS}
    for process_id, years in stored["retention_years"].items():
        raw[f"retention_years.{process_id}"] = "" if years is None else str(years)
    return raw


def _retention_processes(municipality: Municipality) -> list[str]:
    stored = settings_of(municipality)
    return sorted(set(stored.processes) | {p for p, _ in stored.retention.years_by_process})


def _process_names(process_ids: list[str]) -> dict[str, str]:
    """The name of each process's newest deployed version (the id where none is deployed)."""
    names = {process_id: process_id for process_id in process_ids}
    rows = db().execute(select(DefinitionVersion.process_id, DefinitionVersion.name)
                        .where(DefinitionVersion.process_id.in_(process_ids))
                        .order_by(DefinitionVersion.process_id, DefinitionVersion.version))
    for process_id, name in rows:
        names[process_id] = name or process_id
    return names


def setting_text(name: str, value: Any) -> str:
    """A setting's value as the change list shows it."""
    if value is None or value == "" or value == {} or value == []:
        return "–"
    if name in CHOICES:
        return translate(f"settings.choice.{name}.{value}")
    if isinstance(value, dict):
        return "; ".join(f"{process}: {translate('settings.kept_forever') if years is None else years}"
                         for process, years in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _page(municipality: Municipality | None, choices: list[Municipality], *, raw: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, saved: bool = False, status: int = 200) -> Any:
    context: dict[str, Any] = {"municipality": municipality, "choices": choices, "errors": errors or {},
                               "saved": saved, "raw": raw or {}, "changes": [], "processes": [],
                               "number_fields": NUMBER_FIELDS, "choice_fields": CHOICES,
                               "agreement_fields": settings_admin.AGREEMENT_FIELDS, "setting_text": setting_text}
    if municipality is not None:
        if raw is None:
            context["raw"] = _raw_of(municipality)
        context["processes"] = _retention_processes(municipality)
        context["process_names"] = _process_names(context["processes"])
        context["changes"] = settings_admin.changes_of(db(), municipality.id, limit=50)
    return render_template("admin/settings.html", **context), status


@bp.get("/")
@login_required(Role.ADMIN)
def index() -> Any:
    municipality, choices = _municipality(user(), request.args.get("municipality"))
    return _page(municipality, choices, saved=request.args.get("saved") == "1")


def _parse(municipality: Municipality, raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings the form gives, typed, and what cannot be read at all (a number that is none)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in FORM_FIELDS:
        text = raw[name].strip()
        if name in NUMBER_FIELDS:
            cleaned = text.replace(" ", "").replace("\u00a0", "")
            if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 6:
                errors[name] = translate(f"settings.error.{name}")
                continue
            values[name] = int(cleaned)
        else:
            values[name] = text
    # an empty field keeps the case forever, as a process not named does: only a rule stored as null stays one
    stored = settings_of(municipality).retention.to_mapping()
    retention: dict[str, int | None] = {p: None for p, years in stored.items() if years is None}
    for process_id in _retention_processes(municipality):
        text = raw.get(f"retention_years.{process_id}", "").strip()
        if not text:
            continue
        if text.isascii() and text.isdigit() and len(text) <= 6:
            retention[process_id] = int(text)
        else:
            errors["retention_years"] = translate("settings.error.retention_years")
    values["retention_years"] = retention
    return values, errors


@bp.post("/")
@login_required(Role.ADMIN)
def save() -> Any:
    me = user()
    municipality, choices = _municipality(me, request.form.get("municipality"))
    if municipality is None:
        raise NotFound("choose a municipality first")
    raw = {name: request.form.get(name, "")[:MAX_INPUT] for name in FORM_FIELDS}
    raw.update({f"retention_years.{p}": request.form.get(f"retention_years.{p}", "")[:MAX_INPUT]
                for p in _retention_processes(municipality)})
    values, errors = _parse(municipality, raw)
    # the domain's checks, for what could be read (a cross-field rule only once each value alone is right)
    checked = {name: value for name, value in values.items() if name not in errors}
    for name in settings_admin.settings_problems(db(), municipality, checked):
        errors.setdefault(name, translate(f"settings.error.{name}"))
    if errors:
        return _page(municipality, choices, raw=raw, errors=errors, status=400)
    settings_admin.update_settings(db(), services().clock, me, municipality, values)
    db().commit()
    return redirect(url_for("settings.index", saved="1", municipality=municipality.slug if choices else None), 303)
