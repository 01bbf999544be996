"""Handlers every municipality gets."""

from __future__ import annotations

from typing import Any

from app.engine.step import StepContext


def sum_amounts(step: StepContext | None, amounts: list[Any] | None = None) -> int:
    """Sum a list of whole-krona amounts; used by economic plans."""
    return sum(int(a) for a in (amounts or []))
