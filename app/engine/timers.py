"""Durable timers: due times live in the database (cases.next_timer_at); one sweep fires them.

The Falun process has no timers; the firing logic arrives with the Stenungsund agreement cycle.
"""

from __future__ import annotations

from app.services import Services


def fire_due_timers(services: Services) -> int:
    """Fire due timers and return how many fired. No deployed process defines timers yet."""
    return 0
