"""When a finished case is due for disposal: its municipality's retention years for its process (settings,
app.core.municipal_settings.RetentionSettings) counted from the day it closed.

A case is finished when it is completed or cancelled; it closed on the local day (IOP_TIMEZONE, by default
Europe/Stockholm) of its history's `case_completed` or `case_cancelled` entry. It is due on the same calendar
day the set number of years later (a case closed on 29 February is due on 28 February of a common year) and on
every day after. A process without a rule, or with null, is kept forever: nothing of it becomes due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.calendar import add_months, local_date
from app.core.municipal_settings import settings_of
from app.core.statuses import CaseStatus
from app.models import Case, CaseEvent, DefinitionVersion, Municipality
from app.models.archive import DisposedCase

FINISHED = (CaseStatus.COMPLETED, CaseStatus.CANCELLED)
CLOSING_KINDS = ("case_completed", "case_cancelled")


@dataclass(frozen=True)
class Retention:
    case_id: int
    registration_number: str
    title: str
    process_id: str
    closed_on: date | None  # None while the case runs
    years: int | None  # None: kept forever
    due_on: date | None  # None: never (kept forever, or not finished)


def closed_at(session: Session, case: Case) -> datetime | None:
    """When the case closed (its closing history entry), None while it is not finished."""
    if case.status not in FINISHED:
        return None
    moment = session.scalar(select(CaseEvent.at).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.kind.in_(CLOSING_KINDS))
                            .order_by(CaseEvent.id.desc()).limit(1))
    return moment or case.updated_at


def retention_of(session: Session, case: Case) -> Retention:
    process_id = session.scalar(select(DefinitionVersion.process_id)
                                .where(DefinitionVersion.id == case.definition_id)) or ""
    years = settings_of(case.municipality).retention.years_for(process_id)
    closed = closed_at(session, case)
    closed_on = local_date(closed) if closed else None
    due_on = add_months(closed_on, 12 * years) if closed_on and years else None
    return Retention(case.id, case.registration_number, case.title, process_id, closed_on, years, due_on)


def due_cases(session: Session, municipality: Municipality, today: date) -> list[Retention]:
    """The municipality's finished cases due for disposal on `today` and not disposed yet, oldest due first."""
    disposed = select(DisposedCase.case_id)
    cases = session.scalars(select(Case).where(Case.municipality_id == municipality.id,
                                               Case.status.in_(FINISHED), Case.id.not_in(disposed))
                            .order_by(Case.id))
    found = [r for r in (retention_of(session, case) for case in cases) if r.due_on and r.due_on <= today]
    return sorted(found, key=lambda r: (r.due_on or today, r.case_id))
