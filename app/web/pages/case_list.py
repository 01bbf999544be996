"""The case list for staff: `/cases/` (filters, sort, pages, saved filters) and `/cases/export.csv` (issue 11).

Every member of a municipality's staff finds any of its cases here, whether or not a task waits for them;
an administrator without a municipality sees all and may choose one. Organisations have their portal (403).
The rows come from app/queries/case_list.py, as for `GET /api/v1/cases`. Saved filters are the user's own
(app/models/saved_filter.py): a name and the list's query string, shown as links above the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, stream_with_context
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from app.core.errors import NotFound
from app.core.roles import Role
from app.models import Municipality, User
from app.models.saved_filter import SavedFilter
from app.queries import case_list
from app.queries.case_list import CaseFilters, FilterError
from app.web.context import commit, db, services
from app.web.csv_cells import csv_chunks, safe_cell
from app.web.i18n import translate
from app.web.pages.common import fmt_date, role_title, user
from app.web.security import login_required

bp = Blueprint("case_list", __name__, url_prefix="/cases")

STAFF = (Role.LAWYER, Role.OFFICER, Role.BOARD, Role.FINANCE, Role.PROCESS_OWNER, Role.ADMIN)
SAVED_MAX = 50
NAME_MAX = 80
SORT_LABELS = ("registration", "organisation", "created", "updated", "due")


def _page_size() -> int:
    return int(current_app.config.get("CASE_LIST_PAGE_SIZE", case_list.PAGE_SIZE))


def _filters_for(viewer: User, args: Any) -> CaseFilters:
    """The filters of the request; staff always see their own municipality (its name is not a filter for them)."""
    filters = case_list.parse_filters(args)
    if viewer.municipality_id is not None and filters.municipality:
        filters = CaseFilters(**{**filters.__dict__, "municipality": ""})
    return filters


def _errors(problems: dict[str, str]) -> dict[str, str]:
    return {name: translate(f"case_list.error.{code}") for name, code in problems.items()}


def _municipality_choices(viewer: User) -> list[Municipality]:
    if viewer.municipality_id is not None:
        return []
    return list(db().scalars(select(Municipality).order_by(Municipality.name)))


def _saved(viewer: User) -> list[SavedFilter]:
    return list(db().scalars(select(SavedFilter).where(SavedFilter.user_id == viewer.id)
                             .order_by(SavedFilter.name, SavedFilter.id)))


def _link(args: dict[str, str], **changes: str | None) -> str:
    merged = {**args, **changes}
    query = urlencode({k: v for k, v in merged.items() if v})
    return "/cases/" + (f"?{query}" if query else "")


@bp.get("/")
@login_required(*STAFF)
def index() -> Any:
    viewer = user()
    raw = {name: request.args.get(name, "")[:200] for name in case_list.FILTER_PARAMS}
    errors: dict[str, str] = {}
    found = None
    filters = CaseFilters()
    try:
        filters = _filters_for(viewer, request.args)
        found = case_list.find_cases(db(), viewer, filters, now=services().clock.now(),
                                     secret=services().settings.secret_key, limit=_page_size(),
                                     after=request.args.get("after") or None)
    except FilterError as exc:
        errors = _errors(exc.problems)
    chosen_muni = None
    choices = _municipality_choices(viewer)
    if filters.municipality:
        chosen_muni = next((m for m in choices if m.slug == filters.municipality), None)
    scope = viewer.municipality_id if viewer.municipality_id is not None else (chosen_muni.id if chosen_muni else None)
    args = filters.args()
    html = render_template(
        "case_list/index.html", found=found, filters=filters, raw=raw, errors=errors, args=args,
        link=lambda **changes: _link(args, **changes), choices=choices, statuses=case_list.STATUSES,
        roles=[r for r in case_list.TASK_ROLES if r != "admin"], sorts=SORT_LABELS,
        steps=case_list.step_choices(db(), viewer, scope),
        processes=case_list.process_choices(db(), viewer, scope), saved=_saved(viewer),
        saved_query=urlencode(args), export_url="/cases/export.csv" + (f"?{urlencode(args)}" if args else ""),
        first_page=bool(request.args.get("after")), name_max=NAME_MAX)
    return html, 422 if errors else 200


CSV_COLUMNS = ("registration_number", "title", "organisation", "org_number", "process", "status", "step",
               "roles", "next_due", "created", "updated")


@bp.get("/export.csv")
@login_required(*STAFF)
def export() -> Any:
    viewer = user()
    try:
        filters = _filters_for(viewer, request.args)
        rows = case_list.iter_cases(db(), viewer, filters, now=services().clock.now())
        first = next(rows, None)  # a bad municipality is refused before the answer starts
    except FilterError as exc:
        text = "; ".join(f"{name}: {message}" for name, message in _errors(exc.problems).items())
        return Response(text + "\n", status=422, mimetype="text/plain")

    def lines() -> Iterator[list[Any]]:
        for row in ([first] if first else []):
            yield _csv_row(row)
        for row in rows:
            yield _csv_row(row)

    today = services().clock.today().isoformat()
    body = stream_with_context(csv_chunks([translate(f"case_list.csv.{c}") for c in CSV_COLUMNS], lines()))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="arenden-{today}.csv"', "Cache-Control": "private, no-store"})


def _csv_row(row: case_list.CaseRow) -> list[Any]:
    status = translate(f"status.{row.status}")
    if row.outcome:
        status += ": " + translate(f"outcome.{row.outcome}")
    return [safe_cell(row.registration_number), safe_cell(row.title), safe_cell(row.organisation), row.org_number,
            safe_cell(f"{row.process_name} (version {row.process_version})"), safe_cell(status),
            safe_cell(row.current_step), safe_cell(", ".join(role_title(r) for r in row.roles)),
            fmt_date(row.next_due) if row.next_due else "", fmt_date(row.created_at), fmt_date(row.updated_at)]


@bp.post("/filters")
@login_required(*STAFF)
def save_filter() -> Any:
    viewer = user()
    name = " ".join((request.form.get("name") or "").split())
    raw_query = (request.form.get("query") or "")[:4000]
    pairs = MultiDict(parse_qsl(raw_query, keep_blank_values=False))
    try:
        filters = _filters_for(viewer, pairs)
    except FilterError:
        filters = None
    back = _link(filters.args() if filters else {})
    if filters is None:
        flash(translate("case_list.saved.bad_filter"), "error")
        return redirect(back)
    if not name or len(name) > NAME_MAX or any(ord(ch) < 32 for ch in name):
        flash(translate("case_list.saved.bad_name", max=NAME_MAX), "error")
        return redirect(back)
    taken = db().scalar(select(SavedFilter.id).where(SavedFilter.user_id == viewer.id, SavedFilter.name == name))
    if taken is not None:
        flash(translate("case_list.saved.taken", name=name), "error")
        return redirect(back)
    if (db().scalar(select(func.count(SavedFilter.id)).where(SavedFilter.user_id == viewer.id)) or 0) >= SAVED_MAX:
        flash(translate("case_list.saved.too_many", max=SAVED_MAX), "error")
        return redirect(back)
    db().add(SavedFilter(user_id=viewer.id, name=name, query=urlencode(filters.args()),
                         created_at=services().clock.now()))
    try:
        commit()
    except IntegrityError:  # the same name saved at the same moment in another tab
        db().rollback()
        flash(translate("case_list.saved.taken", name=name), "error")
        return redirect(back)
    flash(translate("case_list.saved.done", name=name), "info")
    return redirect(back)


@bp.post("/filters/<int:filter_id>/delete")
@login_required(*STAFF)
def delete_filter(filter_id: int) -> Any:
    viewer = user()
    row = db().scalar(select(SavedFilter).where(SavedFilter.id == filter_id, SavedFilter.user_id == viewer.id))
    if row is None:
        raise NotFound("no such saved filter")
    name = row.name
    db().delete(row)
    commit()
    flash(translate("case_list.saved.deleted", name=name), "info")
    return redirect("/cases/")
