"""Ending a running agreement early, shared by the page (/cases/<id>/agreement/terminate) and the API
(`POST /api/v1/cases/{id}/terminate`): who may, what input is accepted, the claim it would raise (a preview that
saves nothing) and the termination itself.

The preview runs the very function the diagram's `agreement_terminate` handler runs (`state.terminate`) on a
copy of the stored agreement state, with the paid payments the termination would send, so what the officer is
shown before confirming is what the claim will be.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, Forbidden, InvalidData
from app.core.roles import Role
from app.core.statuses import AgreementStatus, PaymentStatus
from app.domain import permissions
from app.domain.agreements import state as agreement_state
from app.domain.agreements.actions import terminate_agreement
from app.domain.agreements.records import from_json
from app.engine.runtime import CaseEngine
from app.models import Case, User
from app.models.agreement import Agreement, AgreementPeriod

REASON_MAX = 2000

# field problems as codes with their values; the API answers them in Swedish (as before), the page translates
# `terminate.error.<code>`
SWEDISH = {
    "reason_required": "Skriv varför överenskommelsen avslutas i förtid.",
    "reason_too_long": "Skriv högst 2000 tecken.",
    "date_required": "Ange datumet då verksamheten upphör.",
    "date_format": "Skriv datumet som ÅÅÅÅ-MM-DD.",
    "date_before_start": "Datumet kan inte vara före avtalsperiodens start {start}.",
    "date_after_end": "Datumet kan inte vara efter avtalsperiodens slut {end}.",
}


@dataclass
class Problems(Exception):
    """Bad input: per field a code and the values its message needs."""

    fields: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def swedish(self) -> dict[str, str]:
        return {name: SWEDISH[code].format(**values) for name, (code, values) in self.fields.items()}


@dataclass(frozen=True)
class ClaimPreview:
    terminated_on: date
    rule: str
    amount_sek: int
    cancelled_sek: int  # planned payments that will not be made
    paid_sek: int  # paid so far in the current period
    lines: list[tuple[date, int]]  # (payment date, amount claimed back)


def may_terminate(user: User, case: Case) -> bool:
    """Only an officer of the case's municipality (who therefore sees the case)."""
    return user.active and user.role == Role.OFFICER and user.municipality_id == case.municipality_id \
        and permissions.can_view_case(user, case)


def current_period(agreement: Agreement) -> AgreementPeriod | None:
    return next((p for p in agreement.periods if p.version == agreement.current_version), None)


def check(agreement: Agreement, reason: str | None, raw_date: str | None) -> tuple[date, str]:
    """The first day without activity (within the current period) and the reason; Problems otherwise."""
    problems = Problems()
    reason = (reason or "").strip()
    if not reason:
        problems.fields["reason"] = ("reason_required", {})
    elif len(reason) > REASON_MAX:
        problems.fields["reason"] = ("reason_too_long", {})
    day: date | None = None
    raw = (raw_date or "").strip()
    if not raw:
        problems.fields["date"] = ("date_required", {})
    else:
        try:
            day = date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            day = None
        if day is None:
            problems.fields["date"] = ("date_format", {})
    period = current_period(agreement)
    if day is not None and period is not None:
        if day < period.start:
            problems.fields["date"] = ("date_before_start", {"start": period.start.isoformat()})
        elif day > period.end:
            problems.fields["date"] = ("date_after_end", {"end": period.end.isoformat()})
    if problems.fields:
        raise problems
    assert day is not None
    return day, reason


def _paid_ids(agreement: Agreement) -> list[str]:
    """The paid payments of the current period, as `terminate_agreement` sends them to the diagram."""
    return [f"v{p.version}-p{p.number:02d}" for p in agreement.payments
            if p.status == PaymentStatus.PAID and p.version == agreement.current_version]


def preview(agreement: Agreement, terminated_on: date) -> ClaimPreview:
    """The claim a termination on this day would raise, computed without saving anything."""
    current = [p for p in agreement.payments if p.version == agreement.current_version]
    paid_sek = sum(p.amount_sek for p in current if p.status == PaymentStatus.PAID)
    if not agreement.state:
        raise Conflict("the agreement has no state")
    ended = agreement_state.terminate(from_json(copy.deepcopy(agreement.state)), terminated_on.isoformat(), "",
                                      _paid_ids(agreement))
    claim = ended["repayment"]
    if claim is None:  # terminate always writes one
        raise Conflict("the termination raised no claim")
    return ClaimPreview(terminated_on, str(claim["rule"]), int(claim["amount_sek"]),
                        int(claim["cancelled_sek"]), paid_sek,
                        [(date.fromisoformat(line["due"]), int(line["amount_sek"])) for line in claim["lines"]])


def running_agreement(session: Session, case: Case) -> Agreement:
    agreement = session.scalar(select(Agreement).where(Agreement.case_id == case.id))
    if agreement is None or agreement.status != AgreementStatus.RUNNING:
        raise Conflict("the agreement is not running")
    return agreement


def terminate(session: Session, engine: CaseEngine, user: User, case: Case, reason: str | None,
              raw_date: str | None) -> Agreement:
    """Check who and what, then end the agreement through the diagram's `terminate` message (flushes, does not
    commit). Forbidden, Conflict (not running) or Problems (bad input)."""
    if not may_terminate(user, case):
        raise Forbidden("only an officer of the case's municipality can end an agreement early")
    agreement = running_agreement(session, case)
    day, text = check(agreement, reason, raw_date)
    terminate_agreement(session, engine, case, user, day.isoformat(), text)
    session.flush()
    session.refresh(agreement)
    return agreement


def as_invalid(problems: Problems) -> InvalidData:
    return InvalidData("the termination was refused", problems.swedish())
