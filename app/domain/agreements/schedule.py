"""Dated events of one agreement period: follow-ups, renewal dialogue and deadline, payment gates.

A period runs from `start` to `end` (inclusive). Follow-up k reports on agreement
year k; it opens a little before the year's anniversary and gates every payment
of year k+1 (the last follow-up gates the first payment of a renewed period).
The renewal dialogue opens N months before the end date and the decision is due
M months before it, computed as a person would (end 2028-02-29, 9 months → 2027-05-29).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core import calendar
from app.core.municipal_settings import AgreementSettings
from app.core.statuses import PaymentStatus
from app.domain.agreements.payments import PlannedPayment, anniversary


@dataclass(frozen=True)
class PlannedFollowUp:
    year: int  # agreement year the report covers
    opens: date
    due: date
    gates: date  # first payment date that needs this follow-up approved


@dataclass(frozen=True)
class RenewalDates:
    dialogue_opens: date
    decision_deadline: date


def follow_up_plan(start: date, years: int, settings: AgreementSettings) -> list[PlannedFollowUp]:
    plan = []
    for year in range(1, years + 1):
        gate = anniversary(start, year)
        plan.append(PlannedFollowUp(
            year=year,
            opens=calendar.add_months(gate, -settings.follow_up_opens_months_before_anniversary),
            due=calendar.add_months(gate, -settings.follow_up_due_months_before_anniversary),
            gates=gate,
        ))
    return plan


def renewal_dates(end: date, settings: AgreementSettings) -> RenewalDates:
    return RenewalDates(
        dialogue_opens=calendar.add_months(end, -settings.renewal_dialogue_months_before_end),
        decision_deadline=calendar.add_months(end, -settings.renewal_deadline_months_before_end),
    )


def gating_year(payment: PlannedPayment) -> int | None:
    """The follow-up year whose approval a payment needs (None: the first year's payments)."""
    return payment.agreement_year - 1 if payment.agreement_year > 1 else None


def payment_status(due: date, today: date, *, paid: bool, gate_approved: bool | None) -> PaymentStatus:
    """planned (not yet due), held (due but its follow-up is missing or not approved), released, paid.

    `gate_approved` is None when the payment needs no follow-up.
    """
    if paid:
        return PaymentStatus.PAID
    if today < due:
        return PaymentStatus.PLANNED
    if gate_approved is False:
        return PaymentStatus.HELD
    return PaymentStatus.RELEASED
