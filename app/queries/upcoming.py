"""Upcoming agreement work of one municipality: the dated items of its running agreements and the SEK per year.

For the page /agreements/upcoming, `GET /api/v1/agreements` and the calendar feed. Reads only the agreement
projection (app/models/agreement.py) in a fixed handful of queries, whatever the number of agreements:
the running agreements with their case, organisation and current period; their open payments; their open
follow-ups; and the payments summed per calendar year and status.

The window runs from today (the injected clock, in the configured time zone) to 12 months ahead, or
`due_within_days` days. Items before today that are not done are included and marked overdue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from app.core import calendar
from app.core.statuses import AgreementStatus, FollowUpStatus, PaymentStatus
from app.models import Case, Organisation
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod

OPEN_PAYMENT = (PaymentStatus.PLANNED, PaymentStatus.HELD, PaymentStatus.RELEASED)
OPEN_FOLLOW_UP = (FollowUpStatus.PLANNED, FollowUpStatus.OPEN, FollowUpStatus.RETURNED)
COUNTED = (PaymentStatus.PLANNED, PaymentStatus.RELEASED, PaymentStatus.PAID)  # the SEK per year


@dataclass(frozen=True)
class RunningAgreement:
    agreement_id: int
    case_id: int
    registration_number: str
    title: str
    organisation: str
    version: int
    period_end: date | None
    renewal_dialogue_opens: date | None
    renewal_decision_deadline: date | None


@dataclass(frozen=True)
class Item:
    """One dated thing to do or expect. kind: payment, follow_up_opens, follow_up_due, renewal_dialogue,
    renewal_deadline."""

    day: date
    kind: str
    agreement: RunningAgreement
    overdue: bool
    status: str = ""
    amount_sek: int | None = None
    year: int | None = None  # the agreement year of a follow-up
    ref: str = ""  # stable within the agreement: v1-p03, v1-f2, v1-renewal

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.agreement.case_id}-{self.ref}"


@dataclass(frozen=True)
class YearSum:
    year: int
    planned_sek: int = 0
    released_sek: int = 0
    paid_sek: int = 0

    @property
    def total_sek(self) -> int:
        return self.planned_sek + self.released_sek + self.paid_sek


@dataclass
class Upcoming:
    today: date
    until: date
    agreements: list[RunningAgreement]
    items: list[Item]
    years: list[YearSum]
    next_by_agreement: dict[int, dict[str, Item]] = field(default_factory=dict)


def window_end(today: date, due_within_days: int | None) -> date:
    return calendar.add_months(today, 12) if due_within_days is None else today + timedelta(days=due_within_days)


def upcoming(session: Session, municipality_id: int, today: date, due_within_days: int | None = None) -> Upcoming:
    until = window_end(today, due_within_days)
    running = (Agreement.municipality_id == municipality_id, Agreement.status == AgreementStatus.RUNNING)
    rows = session.execute(
        select(Agreement.id, Case.id, Case.registration_number, Case.title, Organisation.name,
               Agreement.current_version, AgreementPeriod.end, AgreementPeriod.renewal_dialogue_opens,
               AgreementPeriod.renewal_decision_deadline)
        .join(Case, Case.id == Agreement.case_id)
        .join(Organisation, Organisation.id == Case.organisation_id, isouter=True)
        .join(AgreementPeriod, (AgreementPeriod.agreement_id == Agreement.id)
              & (AgreementPeriod.version == Agreement.current_version), isouter=True)
        .where(*running).order_by(Case.registration_number)).all()
    agreements = {r[0]: RunningAgreement(r[0], r[1], r[2] or "", r[3] or "", r[4] or "", r[5], r[6], r[7], r[8])
                  for r in rows}
    items: list[Item] = []
    for pay in session.execute(
            select(AgreementPayment.agreement_id, AgreementPayment.version, AgreementPayment.number,
                   AgreementPayment.due, AgreementPayment.amount_sek, AgreementPayment.status)
            .join(Agreement, Agreement.id == AgreementPayment.agreement_id)
            .where(*running, AgreementPayment.status.in_(OPEN_PAYMENT), AgreementPayment.due <= until)):
        items.append(Item(pay.due, "payment", agreements[pay.agreement_id], pay.due < today, pay.status,
                          pay.amount_sek, ref=f"v{pay.version}-p{pay.number:02d}"))
    for fu in session.execute(
            select(AgreementFollowUp.agreement_id, AgreementFollowUp.version, AgreementFollowUp.year,
                   AgreementFollowUp.opens, AgreementFollowUp.due, AgreementFollowUp.status)
            .join(Agreement, Agreement.id == AgreementFollowUp.agreement_id)
            .where(*running, AgreementFollowUp.status.in_(OPEN_FOLLOW_UP), AgreementFollowUp.opens <= until)):
        owner = agreements[fu.agreement_id]
        ref = f"v{fu.version}-f{fu.year}"
        if fu.status == FollowUpStatus.PLANNED and fu.opens >= today:
            items.append(Item(fu.opens, "follow_up_opens", owner, False, fu.status, year=fu.year, ref=ref))
        if fu.due <= until:
            items.append(Item(fu.due, "follow_up_due", owner, fu.due < today, fu.status, year=fu.year, ref=ref))
    for owner in agreements.values():
        ref = f"v{owner.version}-renewal"
        if owner.renewal_dialogue_opens and today <= owner.renewal_dialogue_opens <= until:
            items.append(Item(owner.renewal_dialogue_opens, "renewal_dialogue", owner, False, ref=ref))
        deadline = owner.renewal_decision_deadline
        if deadline and owner.period_end and deadline <= until and owner.period_end >= today:
            items.append(Item(deadline, "renewal_deadline", owner, False, ref=ref))
    items.sort(key=lambda i: (i.day, i.agreement.registration_number, i.kind))
    nxt: dict[int, dict[str, Item]] = defaultdict(dict)
    for item in items:
        nxt[item.agreement.agreement_id].setdefault(item.kind, item)
    return Upcoming(today, until, list(agreements.values()), items, _years(session, municipality_id), dict(nxt))


def _years(session: Session, municipality_id: int) -> list[YearSum]:
    year = extract("year", AgreementPayment.due)
    sums: dict[int, dict[str, int]] = defaultdict(dict)
    for y, status, total in session.execute(
            select(year, AgreementPayment.status, func.sum(AgreementPayment.amount_sek))
            .join(Agreement, Agreement.id == AgreementPayment.agreement_id)
            .where(Agreement.municipality_id == municipality_id, Agreement.status == AgreementStatus.RUNNING,
                   AgreementPayment.status.in_(COUNTED))
            .group_by(year, AgreementPayment.status)):
        sums[int(y)][f"{status}_sek"] = int(total or 0)
    return [YearSum(y, **sums[y]) for y in sorted(sums)]
