"""Process owners try an agreement's whole cycle on a virtual clock (the package app/simulation/) before deciding on it.

A simulation costs seconds of CPU (a throwaway database, the real engine, years of timers), so the
page cannot be used to load the machine: at most one simulation runs at a time per process (which
also means at most one per user); a request meanwhile gets 429 with Retry-After and a Swedish
message. The inputs are bounded by `parse_options` (years up to the municipality's maximum,
amount up to MAX_AMOUNT_SEK, start 2000-2100), and the last CACHE_SIZE results are kept, so that
asking the same question again costs nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from flask import Blueprint, make_response, render_template, request
from markupsafe import Markup
from sqlalchemy import select

from app.core.municipal_settings import MunicipalSettings, settings_of
from app.core.roles import Role
from app.models import Municipality
from app.simulation import (
    PAYMENT_INTERVALS,
    InvalidOptions,
    SimulationError,
    SimulationOptions,
    SimulationResult,
    format_sek,
    parse_options,
    render_svg,
    simulate,
    simulated_municipalities,
    timeline_rows,
)
from app.web.context import db, services
from app.web.i18n import current_language, plural, translate
from app.web.security import current_user, login_required

bp = Blueprint("simulation", __name__, url_prefix="/simulation")

FIELDS = ("municipality", "yearly_amount_sek", "start", "years", "interval")
RETRY_AFTER_SECONDS = 10  # a simulation of five years takes about 4 s of CPU
CACHE_SIZE = 32

_running = threading.Lock()  # one simulation at a time in this process
_cache: OrderedDict[tuple[SimulationOptions, str], SimulationResult] = OrderedDict()
_cache_lock = threading.Lock()


class Busy(Exception):
    """Another simulation is running in this process."""


def _simulate(options: SimulationOptions) -> SimulationResult:
    """The cached result for these options, else one simulation if none is running (else Busy)."""
    settings = services().settings
    key = (options, settings.timezone)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    if not _running.acquire(blocking=False):
        raise Busy
    try:
        result = simulate(options, settings)
    finally:
        _running.release()
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _offered() -> dict[str, MunicipalSettings]:
    """The stored settings of every municipality whose processes the simulation can run, by slug."""
    return simulated_municipalities({m.slug: settings_of(m) for m in db().scalars(select(Municipality))})


def _defaults() -> dict[str, str]:
    today = services().clock.today()
    start = date(today.year + 1, 1, 1)
    me = current_user()
    offered = _offered()
    own = me.municipality.slug if me is not None and me.municipality is not None else ""
    first = own if own in offered else next(iter(offered), "")
    return {"municipality": first, "yearly_amount_sek": "400000", "start": start.isoformat(),
            "years": str(_max_years(offered, first)), "interval": "yearly",
            "late_follow_up": "", "renew": ""}


def _max_years(offered: dict[str, MunicipalSettings], municipality: str) -> int:
    """The municipality's longest agreement, from its stored settings (the simulation runs under them)."""
    chosen = offered.get(municipality)
    return chosen.agreement.max_agreement_years if chosen is not None else 5


def _render(values: dict[str, str], errors: dict[str, str], result: SimulationResult | None = None,
            failure: str = "", status: int = 200) -> Any:
    lang = current_language()
    rows = timeline_rows(result, lang) if result is not None else []
    # render_svg escapes every text it writes; the rest is markup it builds itself
    svg = Markup(render_svg(result, lang)) if result is not None else None  # noqa: S704
    summary = ""
    if result is not None:
        outcome = translate(f"simulation.outcome.{result.outcome or 'running'}")
        summary = plural("simulation.summary", len(result.events), number=result.registration_number,
                            paid=format_sek(result.total_paid_sek), ended=result.ended_on or "–", outcome=outcome)
    offered = _offered()
    max_years = _max_years(offered, values.get("municipality") or "")
    return render_template("simulation/index.html", values=values, errors=errors, result=result, rows=rows,
                           svg=svg, summary=summary, failure=failure, municipalities=list(offered),
                           intervals=PAYMENT_INTERVALS, max_years=max_years), status


@bp.get("/")
@login_required(Role.PROCESS_OWNER, Role.ADMIN, Role.OFFICER)
def index() -> Any:
    return _render(_defaults(), {})


@bp.post("/")
@login_required(Role.PROCESS_OWNER, Role.ADMIN, Role.OFFICER)
def run() -> Any:
    values = {name: request.form.get(name, "")[:40] for name in FIELDS}
    values["late_follow_up"] = "on" if request.form.get("late_follow_up") else ""
    values["renew"] = "on" if request.form.get("renew") else ""
    try:
        options = parse_options(values, _offered())
    except InvalidOptions as exc:
        errors = {name: translate(f"simulation.error.{p.code}", **p.params) for name, p in exc.problems.items()}
        return _render(values, errors, status=422)
    try:
        result = _simulate(options)
    except Busy:
        response = make_response(_render(values, {}, failure=translate("simulation.busy"), status=429))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    except SimulationError as exc:
        return _render(values, {}, failure=translate("simulation.failed", message=str(exc)), status=422)
    return _render(values, {}, result)
