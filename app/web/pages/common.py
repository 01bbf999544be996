"""What every page shares: templates, the stylesheet, date formatting, labels, and small view helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, request, session
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.roles import ROLE_TITLES
from app.core.statuses import CaseStatus
from app.domain import permissions
from app.engine.definitions import ProcessDefinition
from app.models import Case, Municipality, OpenTask, User
from app.web import formatting
from app.web.context import db, services
from app.web.i18n import current_language, plural, translate
from app.web.security import current_user

# Holds the templates, the stylesheet and the template helpers; it has no views of its own.
ui = Blueprint("ui", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/assets")


def user() -> User:
    """The logged-in user of a view protected by login_required."""
    found = current_user()
    assert found is not None, "view not protected by login_required"
    return found


def lang() -> str:
    return current_language()


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(services().clock.tz) if moment is not None else None


def fmt_date(moment: datetime | None) -> str:
    """A calendar date in local time (IOP_TIMEZONE), written the Swedish way (2026-11-23)."""
    shown = local(moment)
    return shown.strftime("%Y-%m-%d") if shown else "–"


def fmt_day(value: Any) -> str:
    """A date as a person reads it in the page's language ('1 juli 2027'), a datetime taken in local time
    (IOP_TIMEZONE)."""
    return formatting.day(value, lang())


def fmt_datetime(moment: datetime | None) -> str:
    shown = local(moment)
    return shown.strftime("%Y-%m-%d %H:%M") if shown else "–"


def fmt_iso(text: str | None) -> str:
    """A stored ISO timestamp (feedback entries) shown in local time (IOP_TIMEZONE)."""
    if not text:
        return "–"
    try:
        return fmt_datetime(datetime.fromisoformat(text))
    except ValueError:
        return text


def is_overdue(task: OpenTask) -> bool:
    return task.due_at is not None and task.due_at < services().clock.now()


def role_title(role: str | None) -> str:
    return ROLE_TITLES.get(role or "", {}).get(lang(), role or "–")


def schema_text(schema: dict[str, Any] | None, key: str, fallback: str = "") -> str:
    """A form's (or a field's) title or description in the current language."""
    if not schema:
        return fallback
    if lang() != "sv":
        text = schema.get("x-i18n", {}).get(lang(), {}).get(key)
        if text:
            return str(text)
    return str(schema.get(key) or fallback)


def definition_of(case: Case) -> ProcessDefinition:
    return services().engine.definition(db(), case.definition_id)


def task_title(task: OpenTask, case: Case) -> str:
    """The task's title: the form's title in the current language, else the diagram's name."""
    if lang() == "sv" or not task.form:
        return task.title
    return schema_text(definition_of(case).form(task.form), "title", task.title)


def status_text(case: Case) -> str:
    text = translate(f"status.{case.status}")
    if case.outcome:
        text += ": " + translate(f"outcome.{case.outcome}")
    return text


def current_step_text(case: Case) -> str:
    if case.status != CaseStatus.RUNNING:
        return translate(f"outcome.{case.outcome}") if case.outcome else case.current_step or "–"
    tasks = db().scalars(select(OpenTask).where(OpenTask.case_id == case.id).order_by(OpenTask.created_at))
    titles = [task_title(t, case) for t in tasks]
    return ", ".join(titles) or case.current_step or "–"


def next_task_for(viewer: User, case_id: int) -> OpenTask | None:
    """The first open task on the case the user may work on now, if any."""
    query = permissions.workable_tasks(viewer).where(OpenTask.case_id == case_id).order_by(OpenTask.created_at)
    return db().scalars(query).first()


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after log-in or a language switch."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target.rstrip("?") or default


def here() -> str:
    return request.full_path.rstrip("?") if request else "/"


def municipality_for(viewer: User, slug: str | None) -> tuple[Municipality | None, list[Municipality]]:
    """The municipality a cross-case page is for: the viewer's own; an administrator without one chooses from
    the list (None until chosen; an unknown name is a 404). The pages render the choice with
    templates/_municipality_choice.html."""
    if viewer.municipality_id is not None:
        return db().get(Municipality, viewer.municipality_id), []
    choices = list(db().scalars(select(Municipality).order_by(Municipality.name)))
    slug = (slug or "")[:40]
    chosen = next((m for m in choices if m.slug == slug), None)
    if slug and chosen is None:
        raise NotFound("no such municipality")
    return chosen, choices


@ui.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "t": translate,
        "plural": plural,
        "lang": current_language(),
        "me": current_user(),
        "here": here,
        "fmt_date": fmt_date,
        "day": fmt_day,
        "fmt_datetime": fmt_datetime,
        "fmt_iso": fmt_iso,
        "role_title": role_title,
        "is_overdue": is_overdue,
        "status_text": status_text,
        "session_lang": session.get("lang"),
    }
