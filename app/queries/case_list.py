"""The case list of staff: filters, sort, keyset paging and the CSV rows, for `/cases/` and `GET /api/v1/cases`.

One query shape for both. The filters (all optional, combined with AND):

- `q`: text in the registration number, the title or the organisation's name (case-folded as app.core.search
  does; `%` and `_` literal);
- `registration`: the registration number, exactly or its beginning;
- `organisation`: an organisation number (NNNNNN-NNNN, with or without the dash), else a part of the name;
- `process` and `version`: the process id and one of its versions;
- `step`: the name of an open task (the current step; a case with parallel steps matches each);
- `status`: running, completed, failed, suspended, cancelled;
- `role`: the role holding an open task of the case;
- `overdue`: an open task past its due time; `due_within_days`: an open task due from now to N days ahead;
- `municipality`: a municipality's slug (staff see only their own municipality's cases whatever they name).

The open-task filters are `cases.id IN (SELECT case_id FROM open_tasks WHERE ...)`, which a planner can drive
from the open tasks (few) or probe per case. Sorting is by (column, case id) in either direction, and a page
after the first starts after the last row of the page before (a keyset cursor: signed, bound to its sort, so a
changed one is refused rather than misread). A page costs a constant number of statements: the rows (with
organisation and municipality joined), the count, the definitions' labels and the page's open tasks. The count
is the page itself when the first page holds every row, and a list filtered by one open-task condition alone is
counted from the open tasks (`open_task_count`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, Select, and_, distinct, false, func, or_, select, text
from sqlalchemy.orm import Session

from app.core.roles import ROLES, Role
from app.core.search import contains_pattern, prefix_pattern
from app.core.statuses import CaseStatus
from app.domain import permissions
from app.models import Case, DefinitionVersion, Municipality, OpenTask, Organisation, User
from app.queries.id_lists import one_of

STATUSES: tuple[CaseStatus, ...] = tuple(CaseStatus)
TASK_ROLES = ROLES
SORTS = ("registration", "organisation", "created", "updated", "due")
DEFAULT_SORT = "-created"
MAX_DAYS = 3660
PAGE_SIZE = 50
TEXT_MAX = 100
ORG_NUMBER = re.compile(r"(\d{6})-?(\d{4})")

# what a bad parameter is told (English, for the API; the page translates `case_list.error.<code>`)
MESSAGES = {
    "status": "one of " + ", ".join(STATUSES),
    "role": "one of " + ", ".join(TASK_ROLES),
    "sort": "one of " + ", ".join(SORTS) + ", each optionally preceded by - for descending",
    "days": f"a whole number of days, 0-{MAX_DAYS}",
    "flag": "1 or true (or leave it out)",
    "version": "a whole number 1 or more, together with process",
    "municipality": "no such municipality",
    "text": f"at most {TEXT_MAX} characters, no control characters",
    "cursor": "not a cursor of this list and sort; start again from the first page",
}


class FilterError(Exception):
    """Bad parameters: `problems` maps each parameter to a code of MESSAGES."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {MESSAGES[code]}" for name, code in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    registration: str = ""
    organisation: str = ""
    process: str = ""
    version: int | None = None
    step: str = ""
    status: str = ""
    role: str = ""
    overdue: bool = False
    due_within_days: int | None = None
    municipality: str = ""
    sort: str = DEFAULT_SORT

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def args(self) -> dict[str, str]:
        """The filters as query parameters, leaving out what is not chosen (for links and saved filters)."""
        out: dict[str, str] = {}
        for name in ("q", "registration", "organisation", "process", "step", "status", "role", "municipality"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.version is not None:
            out["version"] = str(self.version)
        if self.overdue:
            out["overdue"] = "1"
        if self.due_within_days is not None:
            out["due_within_days"] = str(self.due_within_days)
        if self.sort != DEFAULT_SORT:
            out["sort"] = self.sort
        return out


FILTER_PARAMS = ("q", "registration", "organisation", "process", "version", "step", "status", "role", "overdue",
                 "due_within_days", "municipality", "sort")


def _text(raw: str | None) -> str | None:
    """Trimmed text, or None when it is too long or holds control characters."""
    text = (raw or "").strip()
    if len(text) > TEXT_MAX or any(ord(ch) < 32 or ch == "\x7f" for ch in text):
        return None
    return text


def parse_filters(args: Mapping[str, str]) -> CaseFilters:
    """The filters from query parameters; FilterError names every bad one."""
    problems: dict[str, str] = {}
    texts: dict[str, str] = {}
    for name in ("q", "registration", "organisation", "process", "step", "municipality"):
        value = _text(args.get(name))
        if value is None:
            problems[name] = "text"
        texts[name] = value or ""
    status = (args.get("status") or "").strip()
    if status and status not in STATUSES:
        problems["status"] = "status"
    role = (args.get("role") or "").strip()
    if role and role not in TASK_ROLES:
        problems["role"] = "role"
    sort = (args.get("sort") or "").strip() or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS or sort.startswith("--"):
        problems["sort"] = "sort"
        sort = DEFAULT_SORT
    version: int | None = None
    raw_version = (args.get("version") or "").strip()
    if raw_version:
        if raw_version.isascii() and raw_version.isdigit() and len(raw_version) < 7 and int(raw_version) >= 1 \
                and texts["process"]:
            version = int(raw_version)
        else:
            problems["version"] = "version"
    overdue = False
    raw_flag = (args.get("overdue") or "").strip().lower()
    if raw_flag in ("1", "true", "on", "yes"):
        overdue = True
    elif raw_flag not in ("", "0", "false", "off", "no"):
        problems["overdue"] = "flag"
    days: int | None = None
    raw_days = (args.get("due_within_days") or "").strip()
    if raw_days:
        if raw_days.isascii() and raw_days.isdigit() and len(raw_days) < 6 and int(raw_days) <= MAX_DAYS:
            days = int(raw_days)
        else:
            problems["due_within_days"] = "days"
    if problems:
        raise FilterError(problems)
    return CaseFilters(q=texts["q"], registration=texts["registration"], organisation=texts["organisation"],
                       process=texts["process"], version=version, step=texts["step"], status=status, role=role,
                       overdue=overdue, due_within_days=days, municipality=texts["municipality"], sort=sort)


def _with_open_task(*where: ColumnElement[bool]) -> ColumnElement[bool]:
    # `case_id + 0` keeps PostgreSQL from probing open_tasks' case_id index once per case in the sort's order
    # (when the matching cases are not the newest it probed 15,000 cases for a page of 50): the matching open
    # tasks are read once (an index on municipality and name/role/due holds them) and hashed, or drive the join
    return Case.id.in_(select(OpenTask.case_id + 0).where(*where))


def municipality_id(session: Session, slug: str) -> int:
    found = session.scalar(select(Municipality.id).where(Municipality.slug == slug))
    if found is None:
        raise FilterError({"municipality": "municipality"})
    return found


def conditions(session: Session, viewer: User, filters: CaseFilters, now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE of the list: what the viewer may see (app.domain.permissions) and the filters."""
    visible = permissions.visible_cases(viewer).whereclause
    where: list[ColumnElement[bool]] = [visible] if visible is not None else []
    muni = municipality_id(session, filters.municipality) if filters.municipality else None
    if muni is not None:
        where.append(Case.municipality_id == muni)
    task_scope = _task_scope(viewer, muni)
    # the organisation's name or number: the few matching organisations are found first, so that the cases are
    # tested on organisation_id alone (an index holds it) and neither the page nor the count joins organisations
    if filters.q:
        # the registration number and title are one case-folded text (search_text, 0043), as is the organisation's
        # name (search_name): a plain LIKE per row on both databases, no function called per row, and "ä" finds
        # "Ä" on SQLite too (its LIKE folds ASCII letters only)
        pattern = contains_pattern(filters.q)
        where.append(or_(Case.organisation_id.in_(_organisations_named(pattern)),
                         Case.search_text.like(pattern, escape="\\")))
    if filters.registration:  # search_text begins with the registration number
        where.append(Case.search_text.like(prefix_pattern(filters.registration), escape="\\"))
    if filters.organisation:
        number = ORG_NUMBER.fullmatch(filters.organisation)
        where.append(Case.organisation_id.in_(
            select(Organisation.id).where(Organisation.org_number == f"{number.group(1)}-{number.group(2)}")
            if number else _organisations_named(contains_pattern(filters.organisation))))
    if filters.process:
        versions = select(DefinitionVersion.id).where(DefinitionVersion.process_id == filters.process)
        if filters.version is not None:
            versions = versions.where(DefinitionVersion.version == filters.version)
        where.append(Case.definition_id.in_(versions))
    if filters.status:
        where.append(Case.status == filters.status)
    for task_filter in _task_filters(filters, now):
        where.append(_with_open_task(*task_scope, *task_filter))
    return where


def _organisations_named(pattern: str) -> Select[Any]:
    """The organisations whose case-folded name matches a LIKE pattern (app.core.search.contains_pattern)."""
    return select(Organisation.id).where(Organisation.search_name.like(pattern, escape="\\"))


def _task_scope(viewer: User, muni: int | None) -> list[ColumnElement[bool]]:
    """The open tasks of the municipality a staff member belongs to, else of the one chosen."""
    if viewer.role != Role.ORGANISATION and viewer.municipality_id is not None:
        return [OpenTask.municipality_id == viewer.municipality_id]
    return [OpenTask.municipality_id == muni] if muni is not None else []


def _task_filters(filters: CaseFilters, now: datetime) -> list[list[ColumnElement[bool]]]:
    """The chosen filters on the cases' open tasks, each the conditions one open task must meet."""
    found: list[list[ColumnElement[bool]]] = []
    if filters.step:
        found.append([OpenTask.name == filters.step])
    if filters.role:
        found.append([OpenTask.role == filters.role])
    if filters.overdue:
        found.append([OpenTask.due_at < now])
    if filters.due_within_days is not None:
        found.append([OpenTask.due_at >= now, OpenTask.due_at <= now + timedelta(days=filters.due_within_days)])
    return found


def open_task_count(session: Session, viewer: User, filters: CaseFilters, now: datetime) -> int | None:
    """The number of cases a list with one open-task filter and no other shows, counted from the open tasks
    alone (`count(DISTINCT case_id)` on their index: 2.5 ms against 17 ms through the cases for the 15,000 open
    tasks of one step on PostgreSQL); None when the list filters anything else, or when who may see which case
    is not a matter of municipality (an organisation), and `count` must be asked."""
    task_filters = _task_filters(filters, now)
    others = (filters.q, filters.registration, filters.organisation, filters.process, filters.status)
    if len(task_filters) != 1 or any(others) or filters.version is not None or viewer.role == Role.ORGANISATION:
        return None
    muni = municipality_id(session, filters.municipality) if filters.municipality else None
    if viewer.municipality_id is None and viewer.role != Role.ADMIN:
        return 0  # sees no case (app.domain.permissions.visible_cases)
    if viewer.municipality_id is not None and muni not in (None, viewer.municipality_id):
        return 0  # another municipality's cases: none visible
    return session.scalar(select(func.count(distinct(OpenTask.case_id)))
                          .where(*_task_scope(viewer, muni), *task_filters[0])) or 0


def _sort_column(sort_key: str) -> Any:
    """The column of a sort other than "due" (which _fetch_due reads from the open tasks)."""
    return {"registration": Case.registration_number, "organisation": Organisation.name,
            "created": Case.created_at, "updated": Case.updated_at}[sort_key]


# --- cursors ------------------------------------------------------------------------------------------------

class CursorError(Exception):
    pass


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="case-list-cursor")


def encode_cursor(secret: str, sort: str, value: Any, case_id: int) -> str:
    shown = value.isoformat() if isinstance(value, datetime) else value
    return str(_serializer(secret).dumps([sort, shown, case_id]))


def decode_cursor(secret: str, sort: str, token: str) -> tuple[Any, int]:
    """The (value, case id) the next page starts after; CursorError for anything not made by encode_cursor for
    this sort."""
    if not token or len(token) > 1000:
        raise CursorError("cursor")
    try:
        data = _serializer(secret).loads(token)
    except (BadData, ValueError, UnicodeError) as exc:
        raise CursorError("cursor") from exc
    if not (isinstance(data, list) and len(data) == 3 and data[0] == sort and isinstance(data[2], int)
            and not isinstance(data[2], bool)):
        raise CursorError("cursor")
    value = data[1]
    key = sort.lstrip("-")
    if key in ("created", "updated", "due"):
        if value is None and key == "due":
            return None, data[2]
        if not isinstance(value, str):
            raise CursorError("cursor")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise CursorError("cursor") from exc
        if moment.tzinfo is None:
            raise CursorError("cursor")
        return moment, data[2]
    if not isinstance(value, str):
        raise CursorError("cursor")
    return value, data[2]


def _after(column: Any, descending: bool, nullable: bool, value: Any, case_id: int) -> ColumnElement[bool]:
    """Rows after (value, case_id) in the order (column, id), nulls last in both directions."""
    if value is None:  # only the null tail is left
        return and_(column.is_(None), Case.id < case_id if descending else Case.id > case_id)
    if descending:
        beyond = or_(column < value, and_(column == value, Case.id < case_id))
    else:
        beyond = or_(column > value, and_(column == value, Case.id > case_id))
    return or_(beyond, column.is_(None)) if nullable else beyond


def _order(column: Any, descending: bool, nullable: bool) -> list[Any]:
    first = [column.is_(None)] if nullable else []  # false sorts before true: the nulls last
    if descending:
        return [*first, column.desc(), Case.id.desc()]
    return [*first, column.asc(), Case.id.asc()]


# --- rows ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseRow:
    id: int
    registration_number: str
    title: str
    status: str
    outcome: str | None
    current_step: str
    created_at: datetime
    updated_at: datetime
    next_timer_at: datetime | None
    version: int
    definition_id: int
    organisation: str
    org_number: str
    municipality: str
    municipality_name: str
    process_id: str = ""
    process_version: int = 0
    process_name: str = ""
    next_due: datetime | None = None
    overdue: bool = False
    roles: tuple[str, ...] = ()

    def sort_value(self, key: str) -> Any:
        return {"registration": self.registration_number, "organisation": self.organisation,
                "created": self.created_at, "updated": self.updated_at, "due": self.next_due}[key]


@dataclass
class CasePage:
    rows: list[CaseRow]
    total: int
    next_cursor: str | None
    filters: CaseFilters
    offset: int = 0
    limit: int = PAGE_SIZE
    extra: dict[str, Any] = field(default_factory=dict)


_COLUMNS = (Case.id, Case.registration_number, Case.title, Case.status, Case.outcome, Case.current_step,
            Case.created_at, Case.updated_at, Case.next_timer_at, Case.version, Case.definition_id,
            Organisation.name, Organisation.org_number, Municipality.slug, Municipality.name)


def _base(where: list[ColumnElement[bool]], *columns: Any) -> Select[Any]:
    return (select(*columns).select_from(Case)
            .join(Organisation, Organisation.id == Case.organisation_id)
            .join(Municipality, Municipality.id == Case.municipality_id)
            .where(*where))


def _ids(where: list[ColumnElement[bool]]) -> Select[Any]:
    return select(Case.id).select_from(Case).where(*where)


def _fetch_due(session: Session, where: list[ColumnElement[bool]], descending: bool, limit: int,
               after: tuple[Any, int] | None, offset: int) -> list[int]:
    """The page's case ids by next due date, those without one last: first the cases with a due open task,
    driven from the open tasks (a few thousand at most) grouped per case; then, if the page is not full, the
    others by id."""
    due = (select(OpenTask.case_id.label("case_id"), func.min(OpenTask.due_at).label("next_due"))
           .where(OpenTask.due_at.is_not(None)).group_by(OpenTask.case_id).subquery("due"))
    chosen: list[int] = []
    if after is None or after[0] is not None:
        dated = _ids(where).join(due, due.c.case_id == Case.id)
        if after is not None:
            dated = dated.where(_after(due.c.next_due, descending, False, *after))
        order = [due.c.next_due.desc(), Case.id.desc()] if descending else [due.c.next_due.asc(), Case.id.asc()]
        chosen = list(session.scalars(dated.order_by(*order).limit(limit).offset(offset or None)))
        if len(chosen) >= limit:
            return chosen
        if offset:  # how many dated rows the offset used up
            offset = max(offset - (session.scalar(select(func.count()).select_from(
                _ids(where).join(due, due.c.case_id == Case.id).subquery())) or 0), 0)
        after = None
    undated = _ids(where).where(Case.id.not_in(select(OpenTask.case_id).where(OpenTask.due_at.is_not(None))))
    if after is not None:
        undated = undated.where(Case.id < after[1] if descending else Case.id > after[1])
    undated = undated.order_by(Case.id.desc() if descending else Case.id.asc()).limit(limit - len(chosen))
    return chosen + list(session.scalars(undated.offset(offset or None)))


def _fetch(session: Session, where: list[ColumnElement[bool]], filters: CaseFilters, limit: int,
           after: tuple[Any, int] | None, offset: int, now: datetime) -> list[CaseRow]:
    key, descending = filters.sort_key, filters.descending
    # first the page's ids (the sort and filters read narrow columns an index can hold, so the wide case rows are
    # not read for the rows skipped or sorted), then those rows
    if key == "due":
        chosen = _fetch_due(session, where, descending, limit, after, offset)
    else:
        column = _sort_column(key)
        ids = _ids(where)
        if key == "organisation":
            ids = ids.join(Organisation, Organisation.id == Case.organisation_id)
        if after is not None:
            ids = ids.where(_after(column, descending, False, *after))
        ids = ids.order_by(*_order(column, descending, False)).limit(limit)
        if offset:
            ids = ids.offset(offset)
        chosen = list(session.scalars(ids))
    if not chosen:
        return []
    found = {r[0]: CaseRow(*r) for r in session.execute(_base([one_of(session, Case.id, chosen)], *_COLUMNS))}
    return _enrich(session, [found[i] for i in chosen if i in found], now)


def _enrich(session: Session, rows: list[CaseRow], now: datetime) -> list[CaseRow]:
    """Each row's process label, next due date, overdue flag and the roles of its open tasks: two statements."""
    if not rows:
        return rows
    labels = {r.id: r for r in session.execute(
        select(DefinitionVersion.id, DefinitionVersion.process_id, DefinitionVersion.version, DefinitionVersion.name)
        .where(DefinitionVersion.id.in_({row.definition_id for row in rows})))}
    due: dict[int, datetime] = {}
    roles: dict[int, set[str]] = {}
    for case_id, role, due_at in session.execute(
            select(OpenTask.case_id, OpenTask.role, OpenTask.due_at)
            .where(one_of(session, OpenTask.case_id, [r.id for r in rows]))):
        roles.setdefault(case_id, set()).add(role)
        if due_at is not None and (case_id not in due or due_at < due[case_id]):
            due[case_id] = due_at
    out = []
    for row in rows:
        label = labels.get(row.definition_id)
        next_due = due.get(row.id)
        out.append(replace(row, process_id=label.process_id if label else "",
                           process_version=label.version if label else 0, process_name=label.name if label else "",
                           next_due=next_due, overdue=next_due is not None and next_due < now,
                           roles=tuple(sorted(roles.get(row.id, ())))))
    return out


def count(session: Session, where: list[ColumnElement[bool]]) -> int:
    """The number of rows (the filters read `cases` alone, or subqueries)."""
    return session.scalar(select(func.count(Case.id)).select_from(Case).where(*where)) or 0


def find_cases(session: Session, viewer: User, filters: CaseFilters, *, now: datetime, secret: str,
               limit: int = PAGE_SIZE, after: str | None = None, offset: int = 0) -> CasePage:
    """One page of the filtered list and the number of all its rows. FilterError for a bad municipality or
    cursor (the parameter `after`)."""
    where = conditions(session, viewer, filters, now)
    start = None
    if after:
        try:
            start = decode_cursor(secret, filters.sort, after)
        except CursorError as exc:
            raise FilterError({"after": "cursor"}) from exc
    rows = _fetch(session, where, filters, limit + 1, start, offset, now)
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = None
    if more and rows:
        last = rows[-1]
        cursor = encode_cursor(secret, filters.sort, last.sort_value(filters.sort_key), last.id)
    # a first page that holds every row is its own count (a selective search then scans the cases only once)
    if not more and not after and not offset:
        total = len(rows)
    else:
        fast = open_task_count(session, viewer, filters, now)
        total = fast if fast is not None else count(session, where)
    return CasePage(rows, total, cursor, filters, offset, limit)


def iter_cases(session: Session, viewer: User, filters: CaseFilters, *, now: datetime,
               batch: int = 500) -> Iterator[CaseRow]:
    """Every row of the filtered list in its order, read a batch at a time (keyset, so each batch costs the same)."""
    where = conditions(session, viewer, filters, now)
    start: tuple[Any, int] | None = None
    while True:
        rows = _fetch(session, where, filters, batch, start, 0, now)
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]
        start = (last.sort_value(filters.sort_key), last.id)


def step_choices(session: Session, viewer: User, municipality: int | None) -> list[tuple[str, str]]:
    """The steps with an open task among the cases the viewer may see: (name, title), by title."""
    query = select(OpenTask.name, func.min(OpenTask.title)).group_by(OpenTask.name).order_by(func.min(OpenTask.title))
    chosen = viewer.municipality_id if viewer.municipality_id is not None else municipality
    if viewer.role == Role.ORGANISATION:
        query = query.where(OpenTask.organisation_id == viewer.organisation_id) if viewer.organisation_id \
            else query.where(false())
        return [(name, title) for name, title in session.execute(query)]
    return _loose_steps(session, chosen)


# the distinct step names of the open tasks, per municipality one index probe each on (municipality_id, name,
# title) (a loose index scan), rather than grouping tens of thousands of open tasks on every page
_STEPS_SQL = """
WITH RECURSIVE steps(muni, name) AS (
    SELECT m.id, (SELECT min(t.name) FROM open_tasks t WHERE t.municipality_id = m.id) FROM municipalities m {where}
    UNION ALL
    SELECT steps.muni,
           (SELECT min(t.name) FROM open_tasks t WHERE t.municipality_id = steps.muni AND t.name > steps.name)
    FROM steps WHERE steps.name IS NOT NULL
)
SELECT steps.name,
       min((SELECT min(t.title) FROM open_tasks t WHERE t.municipality_id = steps.muni AND t.name = steps.name))
FROM steps WHERE steps.name IS NOT NULL GROUP BY steps.name
"""
_STEPS_ALL = text(_STEPS_SQL.format(where=""))
_STEPS_ONE = text(_STEPS_SQL.format(where="WHERE m.id = :muni"))


def _loose_steps(session: Session, muni: int | None) -> list[tuple[str, str]]:
    found = session.execute(_STEPS_ALL) if muni is None else session.execute(_STEPS_ONE, {"muni": muni})
    return sorted(((name, title) for name, title in found), key=lambda row: (row[1], row[0]))


def process_choices(session: Session, viewer: User, municipality: int | None) -> list[tuple[str, str, int]]:
    """(process id, name of the newest version, newest version) of the processes of the viewer's municipality
    and those no municipality owns (all for a global administrator)."""
    query = select(DefinitionVersion.process_id, DefinitionVersion.name, DefinitionVersion.version)
    chosen = viewer.municipality_id if viewer.municipality_id is not None else municipality
    if chosen is not None:
        query = query.where(or_(DefinitionVersion.owner_municipality_id == chosen,
                                DefinitionVersion.owner_municipality_id.is_(None)))
    newest: dict[str, tuple[str, int]] = {}
    for process_id, name, version in session.execute(query):
        if process_id not in newest or version > newest[process_id][1]:
            newest[process_id] = (name, version)
    return sorted(((p, n, v) for p, (n, v) in newest.items()), key=lambda item: item[1])
