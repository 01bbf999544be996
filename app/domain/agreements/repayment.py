"""Repayment claim when an activity changes or stops during the period.

The agreement names the rule (Stenungsund's guidelines leave it to each agreement):
- "pro_rata": the organisation repays the part of each paid payment that covers the
  time from the termination date on (coverage of a payment: from its date to the
  next payment's date, the last one to the end of the period);
- "unspent_year": as pro_rata, but whole paid payments dated after termination are repaid
  and the current payment is kept (activity changed, not stopped);
- "none": nothing is repaid.
Payments not yet paid are cancelled, never claimed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.core.municipal_settings import REPAYMENT_RULES

__all__ = ["REPAYMENT_RULES", "PaidPayment", "RepaymentClaim", "compute_repayment"]


@dataclass(frozen=True)
class PaidPayment:
    due: date
    amount_sek: int
    paid: bool


@dataclass(frozen=True)
class RepaymentClaim:
    amount_sek: int
    cancelled_sek: int  # planned payments that will not be made
    lines: list[tuple[date, int]]  # (payment date, amount claimed back)


def compute_repayment(payments: list[PaidPayment], period_end: date, terminated_on: date,
                      rule: str = "pro_rata") -> RepaymentClaim:
    """The claim for an agreement that stops on `terminated_on` (the first day without activity)."""
    if rule not in REPAYMENT_RULES:
        raise ValueError(f"unknown repayment rule {rule!r}")
    ordered = sorted(payments, key=lambda p: p.due)
    stop = period_end + timedelta(days=1)
    cancelled = sum(p.amount_sek for p in ordered if not p.paid)
    lines: list[tuple[date, int]] = []
    for i, payment in enumerate(ordered):
        if not payment.paid or rule == "none":
            continue
        cover_from = payment.due
        cover_to = ordered[i + 1].due if i + 1 < len(ordered) else stop
        if terminated_on >= cover_to:
            continue
        if terminated_on <= cover_from:
            back = payment.amount_sek
        elif rule == "unspent_year":
            back = 0
        else:
            total_days = (cover_to - cover_from).days
            unused = (cover_to - terminated_on).days
            back = round(payment.amount_sek * unused / total_days)
        if back:
            lines.append((payment.due, back))
    return RepaymentClaim(amount_sek=sum(b for _, b in lines), cancelled_sek=cancelled, lines=lines)
