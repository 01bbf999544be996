"""The payment plan of one agreement period: derived from amount, period and interval.

Dates are computed from the period's start with month-end clamping and no drift
(app.core.calendar.series). Amounts are whole kronor; a year's support is split
evenly over its payments and any remainder öre-free krona goes to the year's first
payment, so every year sums exactly to the yearly support.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.core import calendar
from app.core.municipal_settings import PAYMENT_INTERVALS

# interval name -> months between payments (0: one lump sum at the start)
INTERVALS: dict[str, int] = dict(zip(PAYMENT_INTERVALS, (12, 6, 3, 0), strict=True))  # months between payments
INTERVAL_TITLES: dict[str, str] = {
    "yearly": "En gång per år", "half_yearly": "Två gånger per år", "quarterly": "En gång per kvartal",
    "lump_sum": "Engångsbelopp vid avtalets start",
}


@dataclass(frozen=True)
class PlannedPayment:
    index: int  # 1-based within the period
    due: date
    amount_sek: int
    agreement_year: int  # 1-based year of the period the payment falls in


def next_period_start(start: date, years: int) -> date:
    """The first day after a period of `years` years from `start`: the same date `years` later.

    A period that starts on 29 February and ends in a common year has no such date; it runs
    to the end of February, so the next period starts on 1 March (2028-02-29 + 2 years ->
    2030-03-01), just as a period from 1 March runs to the end of February (2023-03-01 +
    5 years -> 2028-03-01, the last day being 2028-02-29).
    """
    same_day = calendar.add_months(start, 12 * years)
    return same_day + timedelta(days=1) if same_day.day < start.day else same_day


def period_end(start: date, years: int) -> date:
    """The last day of a period of `years` years from `start` (inclusive).

    2026-01-01 + 5 years -> 2030-12-31; 2028-02-29 + 2 years -> 2030-02-28 (not the 27th:
    the agreement runs to the end of February); 2028-02-29 + 4 years -> 2032-02-28.
    """
    return next_period_start(start, years) - timedelta(days=1)


def anniversary(start: date, year: int) -> date:
    """The first day of agreement year `year + 1`, i.e. start + `year` years (clamped)."""
    return calendar.add_months(start, 12 * year)


def check_period(years: int, max_years: int) -> None:
    if years < 1:
        raise ValueError("an agreement period is at least one year")
    if years > max_years:
        raise ValueError(f"an agreement period is at most {max_years} years")


def derive_payment_plan(start: date, years: int, yearly_amount_sek: int, interval: str) -> list[PlannedPayment]:
    if interval not in INTERVALS:
        raise ValueError(f"unknown payment interval {interval!r}; use one of {', '.join(INTERVALS)}")
    if yearly_amount_sek < 0:
        raise ValueError("the support cannot be negative")
    if years < 1:
        raise ValueError("an agreement period is at least one year")
    step = INTERVALS[interval]
    if step == 0:
        return [PlannedPayment(1, start, yearly_amount_sek * years, 1)]
    per_year = 12 // step
    share, remainder = divmod(yearly_amount_sek, per_year)
    plan: list[PlannedPayment] = []
    for i, due in enumerate(calendar.series(start, step, years * per_year)):
        within = i % per_year
        amount = share + (remainder if within == 0 else 0)
        plan.append(PlannedPayment(i + 1, due, amount, i // per_year + 1))
    return plan
