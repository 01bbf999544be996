"""A small per-process cache whose entries live a number of seconds on the injected clock.

Used for figures that are expensive to compute and may be a little old (the overview's calendar and money).
Each web process keeps its own; an entry is computed again when it is older than `seconds`, when the clock has
gone back (a test or a demo moving time), or never kept when `seconds` is 0.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Generic, TypeVar

V = TypeVar("V")


class TimedCache(Generic[V]):
    def __init__(self, seconds: int, max_entries: int = 256) -> None:
        if seconds < 0 or max_entries < 1:
            raise ValueError("seconds must be 0 or more and max_entries at least 1")
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[datetime, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: datetime, compute: Callable[[], V]) -> V:
        """The value kept for `key` if it is fresh at `now`, else `compute()` (kept for the next callers)."""
        if self.seconds == 0:
            return compute()
        with self._lock:
            found = self._entries.get(key)
        if found is not None:
            at, value = found
            age = (now - at).total_seconds()
            if 0 <= age < self.seconds:
                return value
        value = compute()
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
