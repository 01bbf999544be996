"""The inbox: one page of open tasks in a scope, filtered, sorted and keyset-paged, in a constant number of
statements (the page, joined with its case and organisation, and a count), and the tasks a user completed.

The scope is a permissions query (app.domain.permissions.workable_tasks, overseen_tasks): its WHERE clause
is kept, everything else is built here. Cursors are opaque to callers: base64 of the sort, the direction and
the sort key of the row they point at; a cursor that does not decode is refused with InvalidData (a 422)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from app.core.errors import InvalidData
from app.core.search import contains_pattern
from app.models import Case, CaseEvent, DefinitionVersion, OpenTask, Organisation, User
from app.models.types import UTCDateTime
from app.queries.id_lists import one_of

SORTS = ("due", "created", "title")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_DAYS = 3660
FAR = datetime(9999, 12, 31, tzinfo=UTC)  # where tasks without a due date sort
_PROCESS = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_TASK_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class InboxQuery:
    q: str = ""
    process: str | None = None
    overdue: bool = False
    due_within_days: int | None = None
    case_id: int | None = None
    assigned: str | None = None  # "me": assigned to the caller, "nobody": free to claim, None: either
    sort: str = "due"
    descending: bool = False
    limit: int = DEFAULT_LIMIT
    after: str | None = None
    before: str | None = None


@dataclass
class InboxRow:
    task: OpenTask
    registration_number: str
    organisation_name: str
    definition_id: int
    assignee: str | None


@dataclass
class InboxPage:
    rows: list[InboxRow]
    total: int
    next: str | None = None  # cursor of the page after this one
    prev: str | None = None  # cursor of the page before this one


@dataclass
class FinishedRow:
    event_id: int
    at: datetime
    task_name: str | None
    title: str
    case_id: int
    registration_number: str
    organisation_name: str


@dataclass
class FinishedPage:
    rows: list[FinishedRow]
    total: int
    next: str | None = None
    prev: str | None = None


def _flag(raw: str | None, name: str, fields: dict[str, str]) -> bool:
    if raw in (None, "", "0", "false"):
        return False
    if raw in ("1", "true", "on"):
        return True
    fields[name] = "must be true or false"
    return False


def _int(raw: str | None, name: str, low: int, high: int, fields: dict[str, str]) -> int | None:
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or not low <= int(raw) <= high:
        fields[name] = f"must be a whole number from {low} to {high}"
        return None
    return int(raw)


def parse_query(args: Mapping[str, str], *, default_limit: int = DEFAULT_LIMIT) -> InboxQuery:
    """The inbox query from request parameters; InvalidData names every parameter that is wrong."""
    fields: dict[str, str] = {}
    q = (args.get("q") or "").strip()
    if len(q) > 200:
        fields["q"] = "must be at most 200 characters"
    process = args.get("process") or None
    if process is not None and not _PROCESS.fullmatch(process):
        fields["process"] = "must be a process id (letters, digits, _ . -)"
    sort = args.get("sort") or "due"
    if sort not in SORTS:
        fields["sort"] = "must be one of " + ", ".join(SORTS)
    direction = args.get("direction") or "asc"
    if direction not in ("asc", "desc"):
        fields["direction"] = "must be asc or desc"
    limit = _int(args.get("limit"), "limit", 1, MAX_LIMIT, fields) or default_limit
    case_id = None
    raw_case = args.get("case_id")
    if raw_case is not None:
        if not (raw_case.isascii() and raw_case.isdigit()):
            fields["case_id"] = "must be a number"
        else:  # beyond any case id: nothing matches
            case_id = int(raw_case) if len(raw_case) <= 10 and int(raw_case) <= 2**31 - 1 else -1
    query = InboxQuery(
        q=q[:200], process=process if "process" not in fields else None,
        overdue=_flag(args.get("overdue"), "overdue", fields),
        due_within_days=_int(args.get("due_within_days"), "due_within_days", 0, MAX_DAYS, fields),
        case_id=case_id, assigned="me" if _flag(args.get("mine"), "mine", fields) else None,
        sort=sort if sort in SORTS else "due", descending=direction == "desc", limit=limit,
        after=args.get("after") or None, before=args.get("before") or None)
    if query.after and query.before:
        fields["before"] = "give either after or before, not both"
    for name in ("after", "before"):
        cursor = getattr(query, name)
        if cursor is not None and name not in fields:
            try:
                decode_cursor(cursor, query.sort, query.descending)
            except InvalidData as exc:
                fields[name] = exc.fields.get("after", str(exc))
    if fields:
        raise InvalidData("the inbox query has wrong parameters: " + ", ".join(sorted(fields)), fields)
    return query


# ------------------------------------------------------------------ sort keys and cursors

def _sort_keys(sort: str, descending: bool) -> list[tuple[Any, bool]]:
    """(expression, descending) per key; the task id breaks ties so the order is total."""
    if sort == "created":
        return [(OpenTask.created_at, descending), (OpenTask.id, descending)]
    if sort == "title":
        return [(OpenTask.title, descending), (OpenTask.id, descending)]
    no_due = case((OpenTask.due_at.is_(None), 1), else_=0)
    due = func.coalesce(OpenTask.due_at, literal(FAR, UTCDateTime()))
    # tasks without a due date come last in both directions
    return [(no_due, False), (due, descending), (OpenTask.created_at, descending), (OpenTask.id, descending)]


def _key_of(task: OpenTask, sort: str) -> list[Any]:
    if sort == "created":
        return [task.created_at, task.id]
    if sort == "title":
        return [task.title, task.id]
    return [1 if task.due_at is None else 0, task.due_at or FAR, task.created_at, task.id]


def encode_cursor(sort: str, descending: bool, key: list[Any]) -> str:
    values = [v.isoformat() if isinstance(v, datetime) else v for v in key]
    raw = json.dumps({"s": sort, "d": "desc" if descending else "asc", "k": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _bad_cursor(reason: str) -> InvalidData:
    return InvalidData(f"the cursor is not valid: {reason}; start again from the first page", {"after": reason})


def _moment(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise _bad_cursor("a date in it is wrong")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _bad_cursor("a date in it is wrong") from None
    if moment.tzinfo is None:
        raise _bad_cursor("a date in it has no time zone")
    return moment


def _text(value: Any, longest: int, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or len(value) > longest or (pattern and not pattern.fullmatch(value)):
        raise _bad_cursor("a value in it is wrong")
    return value


def decode_cursor(cursor: str, sort: str, descending: bool) -> list[Any]:
    """The sort key a cursor points at; InvalidData when it was altered or belongs to another order."""
    if len(cursor) > 1000:
        raise _bad_cursor("it is too long")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor("it cannot be read") from None
    if not isinstance(data, dict) or not isinstance(data.get("k"), list):
        raise _bad_cursor("it cannot be read")
    if data.get("s") != sort or data.get("d") != ("desc" if descending else "asc"):
        raise _bad_cursor("it belongs to another sort order")
    key = data["k"]
    if sort == "created" and len(key) == 2:
        return [_moment(key[0]), _text(key[1], 64, _TASK_ID)]
    if sort == "title" and len(key) == 2:
        return [_text(key[0], 300), _text(key[1], 64, _TASK_ID)]
    if sort == "due" and len(key) == 4 and key[0] in (0, 1) and not isinstance(key[0], bool):
        return [key[0], _moment(key[1]), _moment(key[2]), _text(key[3], 64, _TASK_ID)]
    raise _bad_cursor("it does not fit the sort order")


def _beyond(keys: list[tuple[Any, bool]], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in the order of `keys` (each with its own direction)."""
    alternatives = []
    for i, (expr, desc) in enumerate(keys):
        equal = [k == v for (k, _), v in zip(keys[:i], values[:i], strict=True)]
        alternatives.append(and_(*equal, expr < values[i] if desc else expr > values[i]))
    return or_(*alternatives)


# ------------------------------------------------------------------ the page

def _filters(query: InboxQuery, now: datetime, user_id: int) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.q:
        # no join with cases and organisations before the page is chosen: the organisations whose name
        # matches are found first (a few thousand short rows); the task carries its title and its case's
        # registration number case-folded (search_text, 0025), read from the search index of open_tasks alone
        pattern = contains_pattern(query.q)
        where.append(or_(
            OpenTask.search_text.like(pattern, escape="\\"),
            OpenTask.organisation_id.in_(select(Organisation.id)
                                         .where(Organisation.search_name.like(pattern, escape="\\")).correlate(None))))
    if query.process:
        where.append(Case.definition_id.in_(select(DefinitionVersion.id)
                                            .where(DefinitionVersion.process_id == query.process)))
    if query.overdue:
        where.append(OpenTask.due_at < now)
    if query.due_within_days is not None:
        where.append(and_(OpenTask.due_at >= now, OpenTask.due_at <= now + timedelta(days=query.due_within_days)))
    if query.case_id is not None:
        where.append(OpenTask.case_id == query.case_id if query.case_id >= 0 else false())
    if query.assigned == "me":
        where.append(OpenTask.assignee_id == user_id)
    elif query.assigned == "nobody":
        where.append(OpenTask.assignee_id.is_(None))
    return where


# the columns of a page as plain rows (inbox_items): no ORM object is built for them
ITEM_COLUMNS = (OpenTask.id, OpenTask.case_id, OpenTask.name, OpenTask.title, OpenTask.role, OpenTask.assignee_id,
                OpenTask.due_at, OpenTask.created_at, OpenTask.form)


@dataclass
class InboxItems:
    """A page of the inbox as rows: the columns of ITEM_COLUMNS by name, then the case's `registration_number`
    and `definition_id`, `organisation_name` and `assignee` (the assignee's username)."""

    rows: list[Row[Any]]
    total: int
    next: str | None = None
    prev: str | None = None


def _page(session: Session, scope: Select[Any], query: InboxQuery, now: datetime, user_id: int,
          head: tuple[Any, ...]) -> tuple[list[Any], int, str | None, str | None]:
    """The page's rows of `head` (the task row or columns, then the case's registration number and definition
    id, the organisation's name and the assignee's username), the total and the cursors: three statements
    (the count, the page's ids, their rows) whatever the page size; on the first page the count comes with the
    ids when searching (one scan of the matching tasks instead of two: a search reads each title once). Without a
    search the count is a statement of its own: an index-only count and a page read up to its limit cost less than
    a window count, which makes SQLite materialise every matching row (11 ms against 3 ms for 5,000 tasks)."""
    scope_where = scope.whereclause if scope.whereclause is not None else true()
    where = [scope_where, *_filters(query, now, user_id)]
    needs_join = bool(query.process)

    def matching(*columns: Any) -> Select[Any]:
        stmt = select(*columns).select_from(OpenTask)
        if needs_join:
            stmt = stmt.join(Case, Case.id == OpenTask.case_id).join(Organisation,
                                                                      Organisation.id == OpenTask.organisation_id)
        return stmt

    backwards = query.before is not None
    keys = _sort_keys(query.sort, query.descending)
    walk = [(expr, desc != backwards) for expr, desc in keys]  # a page before: walk the order backwards
    cursor = query.before or query.after
    beyond = [] if cursor is None else [_beyond(walk, decode_cursor(cursor, query.sort, query.descending))]
    order = [expr.desc() if desc else expr.asc() for expr, desc in walk]
    if query.sort == "due" and not query.q:
        # the same order as (no due date last, due date), written so an index can give it: PostgreSQL reads the
        # first page of the default order (ascending, no date last) from ix_open_tasks_inbox instead of sorting
        # every matching task by the CASE and coalesce expressions (2 ms for 5,000 tasks). Not for a search: the
        # few matches are best found first by an index-only scan of ix_open_tasks_inbox_search and then sorted;
        # given an index in the page's order, PostgreSQL walked it and read each of the 5,000 tasks from the table
        # to test the search (10 ms against 2 ms)
        (_, nulls_first), (_, due_descending) = walk[0], walk[1]
        due_order = OpenTask.due_at.desc() if due_descending else OpenTask.due_at.asc()
        order = [due_order.nulls_first() if nulls_first else due_order.nulls_last(), *order[2:]]
    rows = (select(*head, Case.registration_number, Case.definition_id,
                   Organisation.name.label("organisation_name"), User.username.label("assignee"))
            .select_from(OpenTask)
            .join(Case, Case.id == OpenTask.case_id)
            .join(Organisation, Organisation.id == OpenTask.organisation_id)
            .outerjoin(User, User.id == OpenTask.assignee_id))
    task_of = (lambda row: row[0]) if len(head) == 1 else (lambda row: row)  # noqa: E731
    fetched: list[Any] = []
    page_ids: list[str] = []
    if not beyond and query.q:  # a search's total, counted in the same scan as the page's ids (each title read once)
        found = session.execute(matching(OpenTask.id, func.count().over()).where(*where).order_by(*order)
                                .limit(query.limit + 1)).all()
        page_ids = [row[0] for row in found]
        total = found[0][1] if found else 0
    else:
        total = session.scalar(matching(func.count(OpenTask.id)).where(*where)) or 0
        if (not beyond and query.sort == "due" and not query.descending
                and session.get_bind().dialect.name == "postgresql"):
            # The first page in the default order on PostgreSQL: one statement walks ix_open_tasks_inbox in order
            # and joins each task of the page by key (a 500-task page: 6 ms against 10 ms for ids, then rows).
            fetched = list(session.execute(rows.where(*where).order_by(*order).limit(query.limit + 1)).all())
        else:
            # Otherwise the page's task ids first, from open_tasks alone (its index holds the scope and the sort
            # keys), then only those rows, looked up by primary key and joined with their cases: a join before the
            # sort would read every task's case (SQLite), and as one statement PostgreSQL hash-joined the page with
            # every open task (30 ms) in the orders no index gives.
            page_ids = list(session.scalars(matching(OpenTask.id).where(*where, *beyond).order_by(*order)
                                            .limit(query.limit + 1)))
    if page_ids:
        position = {task_id: i for i, task_id in enumerate(page_ids)}
        fetched = sorted(session.execute(rows.where(one_of(session, OpenTask.id, page_ids))).all(),
                         key=lambda row: position[task_of(row).id])
    more = len(fetched) > query.limit
    fetched = fetched[:query.limit]
    if backwards:
        fetched.reverse()
    if not fetched:
        return fetched, total, None, None
    first = encode_cursor(query.sort, query.descending, _key_of(task_of(fetched[0]), query.sort))
    last = encode_cursor(query.sort, query.descending, _key_of(task_of(fetched[-1]), query.sort))
    return (fetched, total, last if (more if not backwards else True) else None,
            first if (more if backwards else query.after is not None) else None)


def inbox_page(session: Session, scope: Select[Any], query: InboxQuery, now: datetime, user_id: int) -> InboxPage:
    """One page of the tasks in `scope` that match `query`, with their task rows: three statements whatever the
    page size."""
    fetched, total, after, before = _page(session, scope, query, now, user_id, (OpenTask,))
    rows = [InboxRow(task=r[0], registration_number=r[1], definition_id=r[2], organisation_name=r[3],
                     assignee=r[4]) for r in fetched]
    return InboxPage(rows=rows, total=total, next=after, prev=before)


def inbox_items(session: Session, scope: Select[Any], query: InboxQuery, now: datetime, user_id: int) -> InboxItems:
    """The same page as inbox_page as plain rows of the columns a list shows (ITEM_COLUMNS): a long page
    (the API's 500 tasks) costs no ORM object per task."""
    fetched, total, after, before = _page(session, scope, query, now, user_id, ITEM_COLUMNS)
    return InboxItems(rows=fetched, total=total, next=after, prev=before)


def workable_count(session: Session, scope: Select[Any]) -> int:
    scope_where = scope.whereclause if scope.whereclause is not None else true()
    return session.scalar(select(func.count(OpenTask.id)).select_from(OpenTask).where(scope_where)) or 0


# ------------------------------------------------------------------ finished by me

def _event_cursor(event_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"e": event_id}).encode()).decode().rstrip("=")


def _event_id(cursor: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor("it cannot be read") from None
    value = data.get("e") if isinstance(data, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise _bad_cursor("it cannot be read")
    return value


def finished_page(session: Session, cases: Select[Any], user_id: int, *, limit: int = DEFAULT_LIMIT,
                  after: str | None = None, before: str | None = None) -> FinishedPage:
    """Tasks `user_id` completed, newest first, on the cases in `cases` (app.domain.permissions.visible_cases)."""
    scope_where = cases.whereclause if cases.whereclause is not None else true()
    where = [CaseEvent.actor_id == user_id, CaseEvent.kind == "task_completed", scope_where]
    total = session.scalar(select(func.count(CaseEvent.id)).select_from(CaseEvent)
                           .join(Case, Case.id == CaseEvent.case_id).where(*where)) or 0
    backwards = before is not None
    if after is not None:
        where.append(CaseEvent.id < _event_id(after))
    elif before is not None:
        where.append(CaseEvent.id > _event_id(before))
    stmt = (select(CaseEvent.id, CaseEvent.at, CaseEvent.task_name, CaseEvent.title, CaseEvent.case_id,
                   Case.registration_number, Organisation.name)
            .select_from(CaseEvent)
            .join(Case, Case.id == CaseEvent.case_id)
            .join(Organisation, Organisation.id == Case.organisation_id)
            .where(*where)
            .order_by(CaseEvent.id.asc() if backwards else CaseEvent.id.desc())
            .limit(limit + 1))
    fetched = list(session.execute(stmt).all())
    more = len(fetched) > limit
    fetched = fetched[:limit]
    if backwards:
        fetched.reverse()
    rows = [FinishedRow(event_id=r[0], at=r[1], task_name=r[2], title=r[3], case_id=r[4],
                        registration_number=r[5], organisation_name=r[6]) for r in fetched]
    page = FinishedPage(rows=rows, total=total)
    if rows:
        page.next = _event_cursor(rows[-1].event_id) if (more if not backwards else True) else None
        page.prev = _event_cursor(rows[0].event_id) if (more if backwards else after is not None) else None
    return page
