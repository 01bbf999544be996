"""The administrator's overview (/admin/): what the running cases and agreements of some municipalities add
up to, computed in SQL.

Every figure is one GROUP BY statement over the municipalities in scope, so the page costs the same handful of
statements whatever the number of cases (about a dozen; none per row):

- cases per status and municipality, and the active cases (running, failed, suspended) per process, current
  step and municipality;
- open tasks past their due time per role and municipality;
- the failed cases: the latest ten with their step and error (the case summary's incident worded in the reader's
  language, `app.engine.incidents.incident_message`, else the title of the case's latest `incident` event,
  fetched for those ten in one statement);
- a calendar of the 12 months from the current one (in the configured time zone): open payments due, open
  follow-ups due, renewal dialogues opening and renewal decision deadlines of the running agreements;
- SEK per year (of the payment's date) and municipality: committed (every payment in the agreements' plans
  that is not cancelled) and paid;
- the deployed process versions with their cases (in a municipality's scope: its own processes, those
  nobody owns and those its cases run on).

`municipality_ids` None means every municipality (a global administrator who chose none).

The calendar and the money (`AgreementFigures`) read every open payment and follow-up of the window and every
payment of the plans (hundreds of thousands of rows with 100,000 cases: about 100 ms on either database); they
change when an agreement is signed, paid or followed up, a few times a day, so the page may take them from a
short-lived cache (app/web/pages/admin.py, `IOP_OVERVIEW_CACHE_SECONDS`) and says how old they are. The rest
(statuses, steps, overdue tasks, failed cases) is read on every request: an administrator who retries a failed
case sees it leave the list at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from app.core import calendar
from app.core.statuses import AgreementStatus, CaseStatus, FollowUpStatus, PaymentStatus
from app.engine.incidents import incident_message
from app.models import Case, CaseEvent, DefinitionVersion, Municipality, OpenTask
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod

ACTIVE = (CaseStatus.RUNNING, CaseStatus.FAILED, CaseStatus.SUSPENDED)  # cases that stand at a step
OPEN_PAYMENT = (PaymentStatus.PLANNED, PaymentStatus.HELD, PaymentStatus.RELEASED)
OPEN_FOLLOW_UP = (FollowUpStatus.PLANNED, FollowUpStatus.OPEN, FollowUpStatus.RETURNED)
KINDS = ("payment", "follow_up", "renewal_dialogue", "renewal_deadline")
FAILED_SHOWN = 10


@dataclass(frozen=True)
class StepCount:
    process: str  # the process's name (of its newest version)
    step: str  # the case's current step ("" when it stands at none)
    per_municipality: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.per_municipality.values())


@dataclass(frozen=True)
class FailedCase:
    case_id: int
    registration_number: str
    municipality_id: int
    title: str
    step: str
    message: str
    since: datetime


@dataclass(frozen=True)
class Month:
    first: date  # the month's first day
    counts: dict[str, int]  # per kind in KINDS

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class YearMoney:
    year: int
    municipality_id: int
    committed_sek: int
    paid_sek: int


@dataclass(frozen=True)
class VersionRow:
    id: int
    process_id: str
    name: str
    version: int
    deployed_at: datetime
    cases: int


@dataclass
class Overview:
    municipalities: list[Municipality]  # those in scope, by name
    statuses: dict[str, dict[int, int]]  # status -> municipality id -> cases
    steps: list[StepCount]
    overdue: dict[str, dict[int, int]]  # role -> municipality id -> open tasks past due
    failed_total: int
    failed: list[FailedCase]
    months: list[Month]
    money: list[YearMoney]
    versions: list[VersionRow]
    status_totals: dict[str, int] = field(default_factory=dict)
    figures_at: datetime | None = None  # when the calendar and the money were computed

    @property
    def overdue_totals(self) -> dict[str, int]:
        return {role: sum(per.values()) for role, per in self.overdue.items()}

    def money_per_year(self) -> list[tuple[int, int, int]]:
        """(year, committed, paid) over the municipalities in scope."""
        sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.money:
            sums[row.year][0] += row.committed_sek
            sums[row.year][1] += row.paid_sek
        return [(year, *sums[year]) for year in sorted(sums)]  # type: ignore[misc]


def _in(column: Any, ids: Sequence[int] | None) -> ColumnElement[bool]:
    return column.in_(list(ids)) if ids is not None else true()


def month_window(today: date) -> tuple[date, date]:
    """The first day of today's month and the first day 12 months later (exclusive)."""
    first = today.replace(day=1)
    return first, calendar.add_months(first, 12)


@dataclass(frozen=True)
class AgreementFigures:
    """The overview's calendar and money, computed at `at`."""

    months: list[Month]
    money: list[YearMoney]
    at: datetime


def agreement_figures(session: Session, municipality_ids: Sequence[int] | None, now: datetime,
                      today: date) -> AgreementFigures:
    return AgreementFigures(_months(session, municipality_ids, today), _money(session, municipality_ids), now)


def overview(session: Session, municipality_ids: Sequence[int] | None, now: datetime, today: date, lang: str,
             figures: AgreementFigures | None = None) -> Overview:
    """The overview; `lang` words the failed cases' incidents; the calendar and the money from `figures` when
    given (computed now otherwise)."""
    muni_query = select(Municipality).order_by(Municipality.name)
    if municipality_ids is not None:
        muni_query = muni_query.where(Municipality.id.in_(list(municipality_ids)))
    municipalities = list(session.scalars(muni_query))
    in_scope = _in(Case.municipality_id, municipality_ids)

    versions = session.execute(select(DefinitionVersion.id, DefinitionVersion.process_id, DefinitionVersion.version,
                                      DefinitionVersion.name, DefinitionVersion.deployed_at,
                                      DefinitionVersion.owner_municipality_id)).all()
    newest: dict[str, tuple[int, str]] = {}
    for v in versions:
        if v.process_id not in newest or v.version > newest[v.process_id][0]:
            newest[v.process_id] = (v.version, v.name)
    process_of = {v.id: v.process_id for v in versions}

    # One pass over the cases gives the statuses, the steps and the cases per version: grouped in the order of
    # the index (status, municipality_id, definition_id, current_step), which covers it.
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    per_step: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    per_version: dict[int, int] = defaultdict(int)
    # The scope is applied to the grouped rows (a few hundred), not in SQL: filtered by municipality, SQLite
    # reads every case row of the municipality through another index (about 200 ms with 50,000 cases).
    cases = select(Case.status, Case.municipality_id, Case.definition_id, Case.current_step, func.count())
    scope = set(municipality_ids) if municipality_ids is not None else None
    for status, muni, definition_id, step, count in session.execute(
            cases.group_by(Case.status, Case.municipality_id, Case.definition_id, Case.current_step)):
        if scope is not None and muni not in scope:
            continue
        statuses[status][muni] += count
        per_version[definition_id] += count
        if status in ACTIVE:
            process_id = process_of.get(definition_id, "")
            per_step[(newest.get(process_id, (0, process_id))[1], step or "")][muni] += count
    steps = sorted((StepCount(p, s, dict(m)) for (p, s), m in per_step.items()),
                   key=lambda row: (-row.total, row.process, row.step))

    overdue: dict[str, dict[int, int]] = defaultdict(dict)
    task_scope = [m.id for m in municipalities] if municipality_ids is None else list(municipality_ids)
    for role, muni, count in session.execute(
            select(OpenTask.role, OpenTask.municipality_id, func.count())
            .where(OpenTask.municipality_id.in_(task_scope), OpenTask.due_at < now)
            .group_by(OpenTask.municipality_id, OpenTask.role)):
        overdue[role][muni] = count

    failed_rows = session.execute(
        select(Case.id, Case.registration_number, Case.municipality_id, Case.title, Case.current_step,
               Case.summary, Case.updated_at)
        .where(in_scope, Case.status == CaseStatus.FAILED)
        .order_by(Case.updated_at.desc(), Case.id.desc()).limit(FAILED_SHOWN)).all()
    titles: dict[int, str] = {}
    if failed_rows:
        for case_id, title in session.execute(
                select(CaseEvent.case_id, CaseEvent.title)
                .where(CaseEvent.case_id.in_([r.id for r in failed_rows]), CaseEvent.kind == "incident")
                .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())):
            titles.setdefault(case_id, title)
    failed = [FailedCase(r.id, r.registration_number, r.municipality_id, r.title or "", r.current_step or "",
                         _message(r.summary, lang) or titles.get(r.id, ""), r.updated_at) for r in failed_rows]

    version_rows = sorted((VersionRow(v.id, v.process_id, v.name, v.version, v.deployed_at, per_version.get(v.id, 0))
                           for v in versions if municipality_ids is None or per_version.get(v.id)
                           or v.owner_municipality_id is None or v.owner_municipality_id in municipality_ids),
                          key=lambda v: (v.process_id, -v.version))

    if figures is None:
        figures = agreement_figures(session, municipality_ids, now, today)
    return Overview(municipalities, {status: dict(per) for status, per in statuses.items()}, steps, dict(overdue),
                    sum(statuses.get("failed", {}).values()), failed, figures.months, figures.money, version_rows,
                    {status: sum(per.values()) for status, per in statuses.items()}, figures.at)


def _message(summary: Any, lang: str) -> str:
    incident = summary.get("incident") if isinstance(summary, dict) else None
    return incident_message(incident, lang) if isinstance(incident, dict) else ""


def _months(session: Session, municipality_ids: Sequence[int] | None, today: date) -> list[Month]:
    first, end = month_window(today)
    running = (_in(Agreement.municipality_id, municipality_ids), Agreement.status == AgreementStatus.RUNNING)
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)

    def add(kind: str, rows: Any) -> None:
        for day, n in rows:
            found = counts[(day.year, day.month)]
            found[kind] = found.get(kind, 0) + n

    # The open payments and follow-ups of the window are many (27,000 and 19,000 of 100,000 cases): each is
    # read from its covering (status, due, agreement_id) index and its agreement checked in the list of the
    # running agreements in scope, built once from a covering index of the agreements (ix_agreements_scope, or
    # ix_agreements_municipality_status for some municipalities), instead of looking up each one's agreement.
    # Grouped in the index's order (status, then the day), no row is sorted. (The agreement's status is
    # needed: an ended agreement keeps its open payments, a terminated one cancels only those of its current
    # version.) The planners choose these indexes themselves: SQLAlchemy writes no index hint for SQLite.
    running_ids = select(Agreement.id).where(*running).correlate(None)
    for kind, table, statuses in (("payment", AgreementPayment, OPEN_PAYMENT),
                                  ("follow_up", AgreementFollowUp, OPEN_FOLLOW_UP)):
        add(kind, session.execute(
            select(table.due, func.count())
            .where(table.status.in_(statuses), table.due >= first, table.due < end,
                   table.agreement_id.in_(running_ids))
            .group_by(table.status, table.due)))
    # the renewal dates of the current periods (a few thousand in the window), each with its agreement
    current = (AgreementPeriod.agreement_id == Agreement.id) & (AgreementPeriod.version == Agreement.current_version)
    for kind, column in (("renewal_dialogue", AgreementPeriod.renewal_dialogue_opens),
                         ("renewal_deadline", AgreementPeriod.renewal_decision_deadline)):
        add(kind, session.execute(select(column, func.count()).select_from(AgreementPeriod).join(Agreement, current)
                                  .where(*running, column >= first, column < end).group_by(column)))
    months = []
    for offset in range(12):
        day = calendar.add_months(first, offset)
        found = counts.get((day.year, day.month), {})
        months.append(Month(day, {kind: found.get(kind, 0) for kind in KINDS}))
    return months


def _money(session: Session, municipality_ids: Sequence[int] | None) -> list[YearMoney]:
    # SQLite keeps a date as its ISO text: its first four characters are the year (cheaper than strftime)
    sqlite = session.get_bind().dialect.name == "sqlite"
    # (and PostgreSQL's date_part, a double, is cheaper than EXTRACT, a numeric)
    year = func.substr(AgreementPayment.due, 1, 4) if sqlite else func.date_part("year", AgreementPayment.due)
    municipality = AgreementPayment.municipality_id  # the agreement's, copied onto its payments (0020)
    # Read from the covering ix_agreement_payments_municipality_money (municipality_id, status, due, amount_sek)
    # alone, without joining the agreements, and grouped in that index's order (per day, a few thousand rows),
    # so no row is sorted; the days are added up to years here. (Grouped by year, SQLite sorted every payment.)
    rows = session.execute(
        select(year, municipality, AgreementPayment.status, func.sum(AgreementPayment.amount_sek))
        .where(_in(municipality, municipality_ids), AgreementPayment.status != PaymentStatus.CANCELLED)
        .group_by(municipality, AgreementPayment.status, AgreementPayment.due))
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for y, muni, status, amount in rows:
        if muni is None:  # every payment gets its agreement's municipality (projection, migration 0020)
            continue
        found = sums[(int(y), muni)]
        found[0] += int(amount or 0)
        if status == PaymentStatus.PAID:
            found[1] += int(amount or 0)
    return [YearMoney(y, muni, committed, paid_sek) for (y, muni), (committed, paid_sek) in sorted(sums.items())]
