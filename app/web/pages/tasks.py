"""The inbox: what is assigned to me and what my role may take, searched, filtered, sorted and paged; what I
finished; for team leads the open tasks of their municipality; claim and release."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from app.core.errors import InvalidData
from app.core.roles import Role
from app.domain import permissions, task_actions
from app.models import DefinitionVersion, OpenTask, User
from app.queries import inbox
from app.queries.inbox import FinishedPage, InboxPage, InboxQuery, InboxRow
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.common import lang, safe_next, schema_text, user
from app.web.security import current_user, login_required

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

PAGE_SIZE = 50
# what the form keeps between pages (the cursors are per list)
KEPT = ("view", "q", "process", "overdue", "due_within_days", "sort", "direction")
OVERSEERS = (Role.ADMIN, Role.PROCESS_OWNER)


@dataclass
class TaskRow:
    task: OpenTask
    case_id: int
    registration_number: str
    organisation: str
    title: str
    overdue: bool
    can_claim: bool
    can_unclaim: bool
    due: str = "–"  # the due and creation dates as the page writes them (local time)
    created: str = "–"
    assignee: str | None = None
    can_reassign: bool = False


@dataclass
class Listing:
    """One paged list on the page: its rows, the total and the links to the pages beside it."""

    key: str  # "mine", "free", "org", "all"
    rows: list[TaskRow]
    total: int
    next_url: str | None
    prev_url: str | None


@dataclass
class Filters:
    query: InboxQuery
    args: dict[str, str] = field(default_factory=dict)  # the kept parameters, as given
    errors: list[str] = field(default_factory=list)


def _title(row: InboxRow, language: str) -> str:
    """The task's title: the form's title in `language`, else the diagram's name."""
    task = row.task
    if language == "sv" or not task.form:
        return task.title
    form = services().engine.definition(db(), row.definition_id).form(task.form)
    return schema_text(form, "title", task.title)


def _rows(page: InboxPage, me: User, *, overseer: bool = False) -> list[TaskRow]:
    now = services().clock.now()
    zone = services().clock.tz
    language = lang()  # read once: up to 100 rows

    def day(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d") if moment is not None else "–"

    rows = []
    for r in page.rows:
        task = r.task
        offers_claim = me.role != Role.ORGANISATION  # an organisation's own tasks need no claim step
        rows.append(TaskRow(
            task=task, case_id=task.case_id, registration_number=r.registration_number,
            organisation=r.organisation_name, title=_title(r, language),
            overdue=task.due_at is not None and task.due_at < now,
            due=day(task.due_at), created=day(task.created_at),
            can_claim=offers_claim and task.assignee_id is None and permissions.can_claim(me, task),
            can_unclaim=offers_claim and permissions.can_unclaim(me, task),
            assignee=r.assignee, can_reassign=overseer))
    return rows


def _link(**params: str | None) -> str:
    kept = {k: v for k in KEPT if (v := request.args.get(k))}
    kept.update({k: v for k, v in params.items() if v})
    return url_for("tasks.index") + ("?" + urlencode(kept) if kept else "")


def _listing(key: str, prefix: str, page: InboxPage | FinishedPage, rows: list[Any]) -> Listing:
    """`prefix` names the list's cursor parameters (after/before, or mine_after/mine_before for the tasks
    assigned to me); the other list's cursor is kept, so paging one list leaves the other where it was."""
    other = "mine_" if prefix == "" else ""
    others = {f"{other}{k}": request.args.get(f"{other}{k}") for k in ("after", "before")} if key in ("mine", "free") \
        else {}
    return Listing(key=key, rows=rows, total=page.total,
                   next_url=_link(**others, **{f"{prefix}after": page.next}) if page.next else None,
                   prev_url=_link(**others, **{f"{prefix}before": page.prev}) if page.prev else None)


def _filters() -> Filters:
    """The shared filters from the query string; wrong values are named and left out."""
    args = {k: v for k in KEPT if (v := request.args.get(k)) is not None}
    raw = {k: v for k, v in args.items() if k not in ("view",)}
    try:
        query = inbox.parse_query(raw, default_limit=PAGE_SIZE)
    except InvalidData as exc:
        for name in exc.fields:
            raw.pop(name, None)
        query = inbox.parse_query(raw, default_limit=PAGE_SIZE)
        return Filters(query=query, args=args, errors=[translate(f"inbox.error.{name}") for name in exc.fields])
    return Filters(query=query, args=args)


def _page(scope: Any, filters: Filters, prefix: str, me: User, assigned: str | None) -> tuple[InboxPage, bool]:
    """One list's page; a cursor that does not decode (altered by hand, or from another order) is reported
    and the list starts again from its first page."""
    after = request.args.get(f"{prefix}after") or None
    query = replace(filters.query, assigned=assigned, limit=PAGE_SIZE, after=after,
                    before=None if after else request.args.get(f"{prefix}before") or None)
    now = services().clock.now()
    try:
        return inbox.inbox_page(db(), scope, query, now, me.id), True
    except InvalidData:
        query = replace(query, after=None, before=None)
        return inbox.inbox_page(db(), scope, query, now, me.id), False


def _processes() -> list[tuple[str, str]]:
    """(process id, name) of every deployed process, for the filter."""
    names: dict[str, str] = {}
    for pid, name in db().execute(select(DefinitionVersion.process_id, DefinitionVersion.name)
                                  .order_by(DefinitionVersion.process_id, DefinitionVersion.version)):
        names[pid] = name or pid
    return sorted(names.items(), key=lambda item: item[1])


@bp.get("/")
@login_required()
def index() -> Any:
    me = user()
    overseer = me.role in OVERSEERS
    view = request.args.get("view") or ("all" if overseer else "todo")
    if view not in ("todo", "done", "all") or (view == "all" and not overseer):
        view = "all" if overseer else "todo"
    filters = _filters()
    lists: list[Listing] = []
    finished = None
    cursor_ok = True
    if view == "done":
        try:
            done = inbox.finished_page(db(), permissions.visible_cases(me), me.id, limit=PAGE_SIZE,
                                       after=request.args.get("after") or None,
                                       before=None if request.args.get("after") else request.args.get("before") or None)
        except InvalidData:
            cursor_ok = False
            done = inbox.finished_page(db(), permissions.visible_cases(me), me.id, limit=PAGE_SIZE)
        finished = _listing("done", "", done, done.rows)
    elif view == "all":
        page, cursor_ok = _page(permissions.overseen_tasks(me), filters, "", me, None)
        lists.append(_listing("all", "", page, _rows(page, me, overseer=True)))
    elif me.role == Role.ORGANISATION:
        page, cursor_ok = _page(permissions.workable_tasks(me), filters, "", me, None)
        lists.append(_listing("org", "", page, _rows(page, me)))
        if not _filtered(filters.query):
            g.inbox_count = page.total
    else:
        scope = permissions.workable_tasks(me)
        mine, ok_mine = _page(scope, filters, "mine_", me, "me")
        free, ok_free = _page(scope, filters, "", me, "nobody")
        cursor_ok = ok_mine and ok_free
        if not _filtered(filters.query):  # the navigation's count is these two totals: no third count
            g.inbox_count = mine.total + free.total
        lists.append(_listing("mine", "mine_", mine, _rows(mine, me)))
        lists.append(_listing("free", "", free, _rows(free, me)))
    errors = list(filters.errors)
    if not cursor_ok:
        errors.append(translate("inbox.error.cursor"))
    return render_template("tasks/list.html", view=view, overseer=overseer, lists=lists, finished=finished,
                           filters=filters, errors=errors, processes=_processes(), link=_link,
                           sort_link=_sort_link, filtered=_filtered(filters.query),
                           workable=workable_count()), 400 if errors else 200


def _filtered(query: InboxQuery) -> bool:
    return bool(query.q or query.process or query.overdue or query.due_within_days is not None)


def _sort_link(column: str) -> str:
    """The column header's link: sort by it, the other way round when it is already the order."""
    current = request.args.get("sort") or "due"
    direction = request.args.get("direction") or "asc"
    flipped = "desc" if current == column and direction == "asc" else "asc"
    kept = {k: v for k in KEPT if (v := request.args.get(k)) and k not in ("sort", "direction")}
    kept.update(sort=column, direction=flipped)
    return url_for("tasks.index") + "?" + urlencode(kept)


def workable_count() -> int:
    """How many tasks the logged-in user may work on now (the number beside "Mina uppgifter"); once a request."""
    if "inbox_count" not in g:
        me = current_user()
        g.inbox_count = inbox.workable_count(db(), permissions.workable_tasks(me)) \
            if me is not None and me.role not in OVERSEERS else 0
    count: int = g.inbox_count
    return count


@bp.app_context_processor
def _inbox_helpers() -> dict[str, Any]:
    return {"inbox_count": workable_count}


@bp.post("/<task_id>/claim")
@login_required()
def claim(task_id: str) -> Any:
    task = task_actions.claim(db(), services().engine, user(), task_id)
    commit()
    flash(translate("tasks.claimed", title=task.title), "success")
    return redirect(_back())


@bp.post("/<task_id>/unclaim")
@login_required()
def unclaim(task_id: str) -> Any:
    task = task_actions.unclaim(db(), services().engine, user(), task_id)
    commit()
    flash(translate("tasks.unclaimed", title=task.title), "success")
    return redirect(_back())


def _back() -> str:
    """Back to the inbox with the filters and page the form was posted from."""
    target = safe_next(request.form.get("next"), url_for("tasks.index"))
    return target if target.startswith(url_for("tasks.index")) else url_for("tasks.index")
