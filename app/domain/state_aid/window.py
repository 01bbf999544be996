"""The de minimis arithmetic, pure: the rolling three-year window, the ceilings, the warning and the refusal.

Regulation 2023/2831: at most EUR 300,000 to one undertaking over any rolling three years; aid counts from the
day the right to it is granted (the decision), not from the payment. Regulation 2023/2832 (services of general
economic interest, SGEI): EUR 750,000. An aid decided on D counts on every day from D up to and including the
day before D's third anniversary (decided 2024-03-15: counts until 2027-03-14). The anniversary of 29 February
in a year without one is 1 March, so aid decided on 2024-02-29 counts until 2027-02-28.

Amounts are euro cents (integers): no rounding drifts in the sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.models.state_aid import DE_MINIMIS, SGEI

CEILING_CENTS = {DE_MINIMIS: 300_000_00, SGEI: 750_000_00}
WARN_PERCENT = 80
YEARS = 3


def anniversary(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def last_day_counted(decided_on: date) -> date:
    """The last day an aid decided on `decided_on` counts in the rolling window."""
    return anniversary(decided_on, YEARS) - timedelta(days=1)


def first_decision_counted(day: date) -> date:
    """The earliest decision date whose aid still counts on `day` (the window is first..day)."""
    try:
        back = day.replace(year=day.year - YEARS)
    except ValueError:  # 29 February: three years back has none
        back = date(day.year - YEARS, 2, 28)
    return back + timedelta(days=1)


def counts_on(decided_on: date, day: date) -> bool:
    """Whether an aid decided on `decided_on` counts in the window of a decision taken on `day`."""
    return decided_on <= day <= last_day_counted(decided_on)


def eur_cents(amount_sek: int, sek_per_eur: str) -> int:
    """SEK converted to euro cents at a rate given as decimal text (SEK per EUR), rounded half up."""
    try:
        rate = Decimal(sek_per_eur)
    except InvalidOperation:
        raise ValueError(f"not a rate: {sek_per_eur!r}") from None
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"not a rate: {sek_per_eur!r}")
    return int((Decimal(amount_sek) * 100 / rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Aid:
    """One aid in the window's terms: when decided, how much (euro cents)."""

    decided_on: date
    amount_eur_cents: int


@dataclass(frozen=True)
class Assessment:
    """A new aid weighed against the window on its decision date."""

    day: date
    regulation: str
    recorded_cents: int  # the aid recorded in the installation that counts on `day`
    declared_cents: int  # the organisation's declaration of other de minimis aid that counts on `day`
    new_cents: int
    ceiling_cents: int

    @property
    def total_cents(self) -> int:
        return self.recorded_cents + self.declared_cents + self.new_cents

    @property
    def refused(self) -> bool:
        return self.total_cents > self.ceiling_cents

    @property
    def warning(self) -> bool:
        return not self.refused and self.total_cents * 100 >= self.ceiling_cents * WARN_PERCENT


def window_sum(aids: Iterable[Aid], day: date) -> int:
    return sum(a.amount_eur_cents for a in aids if counts_on(a.decided_on, day))


def assess(day: date, regulation: str, recorded: Iterable[Aid], declared: Iterable[Aid],
           new_cents: int) -> Assessment:
    return Assessment(day=day, regulation=regulation, recorded_cents=window_sum(recorded, day),
                      declared_cents=window_sum(declared, day), new_cents=new_cents,
                      ceiling_cents=CEILING_CENTS[regulation])



def in_euro(cents: int) -> Decimal:
    """Euro cents as a Decimal amount of euro (for formatting)."""
    return Decimal(cents) / 100
