"""The de minimis window and arithmetic, on exact dates (app/domain/state_aid/window.py)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.state_aid.window import (
    DE_MINIMIS,
    SGEI,
    Aid,
    assess,
    counts_on,
    eur_cents,
    first_decision_counted,
    last_day_counted,
)


def test_aid_decided_2024_03_15_counts_until_2027_03_14() -> None:
    decided = date(2024, 3, 15)
    assert last_day_counted(decided) == date(2027, 3, 14)
    assert counts_on(decided, date(2024, 3, 15))
    assert counts_on(decided, date(2027, 3, 14))
    assert not counts_on(decided, date(2027, 3, 15))
    assert not counts_on(decided, date(2024, 3, 14))  # not before it was decided
    assert first_decision_counted(date(2027, 3, 14)) == decided


def test_29_february() -> None:
    # decided on a leap day: the third anniversary is 1 March, so it counts until 28 February
    assert last_day_counted(date(2024, 2, 29)) == date(2027, 2, 28)
    assert counts_on(date(2024, 2, 29), date(2027, 2, 28))
    assert not counts_on(date(2024, 2, 29), date(2027, 3, 1))
    # a decision on a leap day looks back to aid decided from 1 March three years before
    assert first_decision_counted(date(2028, 2, 29)) == date(2025, 3, 1)
    assert counts_on(date(2025, 3, 1), date(2028, 2, 29))
    assert not counts_on(date(2025, 2, 28), date(2028, 2, 29))
    assert first_decision_counted(date(2027, 2, 28)) == date(2024, 2, 29)


def test_conversion_in_cents_rounded_half_up() -> None:
    assert eur_cents(2_000_000, "11.5") == 17_391_304
    assert eur_cents(115, "11.5") == 1000
    for bad in ("0", "-1", "abc", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            eur_cents(100, bad)


def test_warning_from_80_per_cent_refusal_above_the_ceiling() -> None:
    day = date(2026, 6, 1)
    recorded = [Aid(date(2024, 3, 15), 200_000_00), Aid(date(2023, 5, 31), 90_000_00)]  # the second is too old
    below = assess(day, DE_MINIMIS, recorded, [], 39_999_99)
    assert (below.total_cents, below.warning, below.refused) == (239_999_99, False, False)
    at = assess(day, DE_MINIMIS, recorded, [], 40_000_00)
    assert (at.warning, at.refused) == (True, False)
    ceiling = assess(day, DE_MINIMIS, recorded, [], 100_000_00)
    assert (ceiling.warning, ceiling.refused) == (True, False)  # exactly the ceiling is allowed
    above = assess(day, DE_MINIMIS, recorded, [Aid(date(2025, 1, 1), 1)], 100_000_00)
    assert above.refused and not above.warning
    sgei = assess(day, SGEI, recorded, [Aid(date(2025, 1, 1), 1)], 100_000_00)
    assert not sgei.refused and sgei.ceiling_cents == 750_000_00
    assert assess(day, SGEI, recorded, [], 550_000_01).refused
