"""The overview's calendar and money, stored per scope so that a page request reads them instead of computing
them (app/models/overview_figures.py).

Computing them reads every open payment and follow-up of the coming twelve months and every planned payment
(hundreds of thousands of rows with 100,000 cases: 150-250 ms); they change a few times a day. The scheduler
computes them for every scope in the background (app/jobs/overview_refresh.py, every half
`IOP_OVERVIEW_CACHE_SECONDS`); a page takes the stored ones while they are younger than
`IOP_OVERVIEW_CACHE_SECONDS` and of today, and otherwise computes them once and stores them for every web process
(a web process without a scheduler, or the first view after a restart). The page says when they were computed.

Scopes: "all" (every municipality, a global administrator who chose none) and "municipality:<id>"; any other
set of municipalities (none: a process owner without a municipality) is computed on the spot, never stored.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.models.overview_figures import OverviewFigures
from app.queries.overview import AgreementFigures, Month, YearMoney, agreement_figures

ALL = "all"


def scope_key(municipality_ids: Sequence[int] | None) -> str | None:
    """The stored scope of `municipality_ids`, or None when such a scope is not stored."""
    if municipality_ids is None:
        return ALL
    if len(municipality_ids) == 1:
        return f"municipality:{municipality_ids[0]}"
    return None


def to_json(figures: AgreementFigures) -> dict[str, Any]:
    return {"months": [{"first": m.first.isoformat(), "counts": dict(m.counts)} for m in figures.months],
            "money": [[y.year, y.municipality_id, y.committed_sek, y.paid_sek] for y in figures.money]}


def from_json(data: dict[str, Any], at: datetime) -> AgreementFigures:
    months = [Month(date.fromisoformat(m["first"]), {k: int(v) for k, v in m["counts"].items()})
              for m in data.get("months", [])]
    money = [YearMoney(int(y), int(muni), int(committed), int(paid))
             for y, muni, committed, paid in data.get("money", [])]
    return AgreementFigures(months, money, at)


def stored(session: Session, municipality_ids: Sequence[int] | None, now: datetime, today: date,
           max_age_seconds: int) -> AgreementFigures | None:
    """The stored figures of this scope if they are of `today` and younger than `max_age_seconds` at `now` (not
    from the future either: a clock moved back, in a test or a demo, makes them stale)."""
    key = scope_key(municipality_ids)
    if key is None or max_age_seconds <= 0:
        return None
    row = session.execute(select(OverviewFigures.day, OverviewFigures.computed_at, OverviewFigures.figures)
                          .where(OverviewFigures.scope == key)).first()
    if row is None or row.day != today:
        return None
    age = (now - row.computed_at).total_seconds()
    if not 0 <= age < max_age_seconds:
        return None
    return from_json(row.figures, row.computed_at)


def compute_and_store(session_factory: sessionmaker[Session], municipality_ids: Sequence[int] | None,
                      now: datetime, today: date) -> AgreementFigures:
    """Compute the figures of this scope in a session of their own and store them (when the scope is stored).
    Two processes storing the same scope at once: one inserts, the other's insert fails and is let go (the row
    holds figures just as fresh)."""
    with session_factory() as session:
        started = time.perf_counter()
        figures = agreement_figures(session, municipality_ids, now, today)
        seconds = time.perf_counter() - started
        key = scope_key(municipality_ids)
        if key is None:
            return figures
        values = {"day": today, "computed_at": now, "seconds": round(seconds, 4), "figures": to_json(figures)}
        updated = cast(CursorResult[Any], session.execute(update(OverviewFigures).where(OverviewFigures.scope == key)
                                                         .values(**values)))
        if updated.rowcount:
            session.commit()
            return figures
        session.add(OverviewFigures(scope=key, **values))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
    return figures


def figures_for(session: Session, session_factory: sessionmaker[Session], municipality_ids: Sequence[int] | None,
                now: datetime, today: date, max_age_seconds: int) -> AgreementFigures:
    """The stored figures while fresh, else computed now (and stored for the next request of any process)."""
    found = stored(session, municipality_ids, now, today, max_age_seconds)
    if found is not None:
        return found
    if max_age_seconds <= 0:  # IOP_OVERVIEW_CACHE_SECONDS=0: computed for every request, nothing kept
        return agreement_figures(session, municipality_ids, now, today)
    return compute_and_store(session_factory, municipality_ids, now, today)
