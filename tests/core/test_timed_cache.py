"""The per-process cache of expensive figures: fresh for its seconds on the given clock, then computed again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.timed_cache import TimedCache

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_value_is_kept_for_its_seconds_and_then_computed_again() -> None:
    cache: TimedCache[int] = TimedCache(60)
    compute = Counter()
    assert cache.get("a", T0, compute) == 1
    assert cache.get("a", T0 + timedelta(seconds=59), compute) == 1
    assert cache.get("a", T0 + timedelta(seconds=60), compute) == 2
    assert cache.get("a", T0 + timedelta(seconds=61), compute) == 2  # kept from its new time


def test_keys_are_apart_and_the_clock_going_back_recomputes() -> None:
    cache: TimedCache[int] = TimedCache(60)
    compute = Counter()
    assert cache.get(("scope", 1), T0, compute) == 1
    assert cache.get(("scope", 2), T0, compute) == 2
    assert cache.get(("scope", 1), T0 - timedelta(seconds=1), compute) == 3


def test_zero_seconds_keeps_nothing_and_the_oldest_entry_goes_first() -> None:
    compute = Counter()
    assert [TimedCache[int](0).get("a", T0, compute) for _ in range(2)] == [1, 2]
    cache: TimedCache[int] = TimedCache(60, max_entries=2)
    for key in ("a", "b", "c"):
        cache.get(key, T0, compute)
    assert cache.get("b", T0, compute) == 4 and cache.get("a", T0, compute) == 6  # "a" was dropped


def test_nonsense_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        TimedCache(-1)
    with pytest.raises(ValueError):
        TimedCache(60, max_entries=0)
