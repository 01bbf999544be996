"""The overview's calendar and money computed in the background, so that no page request computes them
(app/queries/overview_figures.py): every scope a page can show, "all" and each municipality.

Run by the scheduler every half IOP_OVERVIEW_CACHE_SECONDS (app/scheduler.py): the stored figures stay younger
than what a page accepts, and the pages only read them. Several schedulers may each refresh; the last write
wins and every write is as fresh as the other.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import select

from app.models import Municipality
from app.queries.overview_figures import compute_and_store
from app.services import Services

log = logging.getLogger(__name__)


def refresh_overview_figures(services: Services) -> int:
    """Compute and store the figures of every scope; returns how many scopes were stored."""
    started = time.perf_counter()
    with services.session_factory() as session:
        ids = list(session.scalars(select(Municipality.id).order_by(Municipality.id)))
    now, today = services.clock.now(), services.clock.today()
    scopes: list[list[int] | None] = [None, *([m] for m in ids)]
    for scope in scopes:
        compute_and_store(services.session_factory, scope, now, today)
    log.debug("overview figures of %s scopes computed in %.3f s", len(scopes), time.perf_counter() - started)
    return len(scopes)
