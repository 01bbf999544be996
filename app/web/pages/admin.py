"""Monitoring for administrators (process owners may read): the overview of cases, overdue tasks, failed cases,
the coming 12 months of the agreements and the SEK per year, as charts with tables beside them.

The figures come from app/queries/overview.py (a fixed handful of GROUP BY statements); the calendar and the
money are read as the scheduler stored them (app/queries/overview_figures.py; computed here and stored when
older than `IOP_OVERVIEW_CACHE_SECONDS`, the page says when they were computed); the charts are inline SVG drawn
here (app/web/pages/charts.py). Finding single cases is the case
list's job (/cases/).

Scope: an administrator or process owner of a municipality sees that municipality only; an administrator with
no municipality (global) sees all and may choose one with `?municipality=<slug>`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, render_template, request
from sqlalchemy import select

from app.core.roles import UPCOMING_ROLES, Role
from app.core.statuses import CaseStatus
from app.domain import guidelines
from app.i18n import formats
from app.models import Case, LoginAttempt, Municipality
from app.models.secret_view import SecretView
from app.queries import overview_figures
from app.queries.overview import KINDS, Overview, overview
from app.web.context import db, services
from app.web.i18n import plural, translate
from app.web.pages import charts
from app.web.pages.common import lang, local, role_title, schema_text, user
from app.web.security import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

STATUSES: tuple[CaseStatus, ...] = tuple(CaseStatus)
STEPS_CHARTED = 12


def _scope() -> tuple[list[int] | None, list[Municipality], Municipality | None, str]:
    """(municipality ids in scope or None for all, choices for a global admin, the chosen one, a bad slug)."""
    me = user()
    if me.role != Role.ADMIN or me.municipality_id is not None:
        return ([me.municipality_id] if me.municipality_id is not None else []), [], None, ""
    choices = list(db().scalars(select(Municipality).order_by(Municipality.name)))
    slug = request.args.get("municipality", "").strip()
    if not slug:
        return None, choices, None, ""
    chosen = next((m for m in choices if m.slug == slug), None)
    if chosen is None:
        return None, choices, None, slug[:60]
    return [chosen.id], choices, chosen, ""


def sek_short(amount: int) -> str:
    """Bar labels: 950 kr, 300 tkr, 1,3 mnkr."""
    if amount >= 1_000_000:
        return f"{amount / 1_000_000:.1f}".replace(".", ",") + "\u00a0mnkr"
    if amount >= 10_000:
        return f"{round(amount / 1000)}\u00a0tkr"
    return f"{amount}\u00a0kr"


def sek(amount: int) -> str:
    return formats.sek(amount, lang())


def _cases_link(**params: Any) -> str:
    return "/cases/?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _count_text(key: str, count: int) -> str:
    """"1 ärende", "4 ärenden" (a plural in the catalogue)."""
    return plural(key, count)


def _month_label(month: int) -> str:
    return translate(f"overview.month.{month}")


def _charts(found: Overview) -> dict[str, Any]:
    steps = [(f"{s.step or translate('overview.no_step')} ({s.process})", s.total) for s in found.steps]
    more = len(steps) - STEPS_CHARTED
    step_chart = charts.horizontal_bars(
        translate("overview.steps_chart_title"),
        translate("overview.steps_chart_desc", count=min(len(steps), STEPS_CHARTED)),
        steps[:STEPS_CHARTED], fmt=lambda n: _count_text("overview.n_cases", n)) if steps else None
    overdue = sorted(found.overdue_totals.items(), key=lambda item: (-item[1], item[0]))
    overdue_chart = charts.horizontal_bars(
        translate("overview.overdue_chart_title"), translate("overview.overdue_chart_desc"),
        [(role_title(role), n) for role, n in overdue], fmt=lambda n: _count_text("overview.n_tasks", n)) \
        if overdue else None
    labels = [_month_label(m.first.month) for m in found.months]
    sub = [str(m.first.year) if i == 0 or m.first.month == 1 else "" for i, m in enumerate(found.months)]
    calendar_charts = [
        charts.columns(translate(f"overview.kind.{kind}"),
                       translate("overview.calendar_chart_desc", what=translate(f"overview.kind.{kind}").lower()),
                       labels, [charts.Series(translate(f"overview.kind.{kind}"),
                                              [m.counts[kind] for m in found.months])],
                       axis=translate("overview.axis_count"), width=430, height=220, sublabels=sub)
        for kind in KINDS]
    years = found.money_per_year()
    money_chart = charts.columns(
        translate("overview.money_chart_title"), translate("overview.money_chart_desc"),
        [str(y) for y, _, _ in years],
        [charts.Series(translate("overview.committed"), [c for _, c, _ in years], solid=False),
         charts.Series(translate("overview.paid"), [p for _, _, p in years])],
        axis=translate("overview.axis_sek"), fmt=sek_short, width=720, height=280) if years else None
    return {"step_chart": step_chart, "steps_more": max(more, 0), "overdue_chart": overdue_chart,
            "overdue_rows": overdue, "calendar_charts": calendar_charts, "money_chart": money_chart,
            "money_years": years}


@bp.get("/")
@login_required(Role.ADMIN, Role.PROCESS_OWNER)
def index() -> Any:
    """The overview of the municipalities in scope: about a dozen GROUP BY statements whatever the cases."""
    me = user()
    ids, choices, chosen, bad_slug = _scope()
    clock = services().clock
    now, today = clock.now(), clock.today()
    figures = overview_figures.figures_for(db(), services().session_factory, ids, now, today,
                                           services().settings.overview_cache_seconds)
    found = overview(db(), ids, now, today, lang(), figures)
    slug = chosen.slug if chosen else ""
    names = {m.id: m.name for m in found.municipalities}
    upcoming_link = None
    if me.role in UPCOMING_ROLES:
        upcoming_link = "/agreements/upcoming" + (f"?{urlencode({'municipality': slug})}" if slug else "")
    return render_template(
        "admin/index.html", found=found, choices=choices, chosen=chosen, bad_slug=bad_slug, names=names,
        statuses=STATUSES, kinds=KINDS, month_label=_month_label, sek=sek, role_title=role_title,
        cases_link=lambda **p: _cases_link(municipality=slug, **p), upcoming_link=upcoming_link,
        count_text=_count_text,
        figures_time=_figures_time(found),
        guidelines_open=guidelines.open_review(db(), me.municipality_id)
        if me.role == Role.PROCESS_OWNER and me.municipality_id is not None else None,
        **_charts(found))


def _figures_time(found: Overview) -> str:
    """When the calendar and money were computed (14:05), if they may be older than this request."""
    if not services().settings.overview_cache_seconds or found.figures_at is None:
        return ""
    shown = local(found.figures_at)
    return formats.clock_time(shown) if shown else ""


LOGINS_SHOWN = 200


@bp.get("/logins")
@login_required(Role.ADMIN)
def logins() -> Any:
    """The latest failed log-in attempts (page, API, password change), for administrators."""
    rows = list(db().scalars(select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))
                             .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc()).limit(LOGINS_SHOWN)))
    return render_template("admin/logins.html", rows=rows, shown=LOGINS_SHOWN)


SECRET_VIEWS_SHOWN = 500


@bp.get("/secret-views")
@login_required(Role.ADMIN)
def secret_views() -> Any:
    """Who saw which secret form value, when and on which case (app.domain.visibility): the latest views of the
    administrator's municipality's cases (every municipality's for an administrator without one)."""
    me = user()
    query = select(SecretView, Case.registration_number, Case.definition_id).join(Case, Case.id == SecretView.case_id)
    if me.municipality_id is not None:
        query = query.where(Case.municipality_id == me.municipality_id)
    found = db().execute(query.order_by(SecretView.at.desc(), SecretView.id.desc()).limit(SECRET_VIEWS_SHOWN))
    rows = []
    for view, registration, definition_id in found:  # the form's and the field's titles from the case's version
        form = services().engine.definition(db(), definition_id).form(view.form) or {}
        field = (form.get("properties") or {}).get(view.field)
        rows.append((view, registration, schema_text(form, "title", view.form),
                     schema_text(field, "title", view.field)))
    return render_template("admin/secret_views.html", rows=rows, shown=SECRET_VIEWS_SHOWN)
