"""The overview's calendar and money stored per scope: computed by the scheduler's job, read by the page, computed
again (and stored for every process) when missing, too old or of another day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select, update

from app.core.clock import ManualClock
from app.jobs.overview_refresh import refresh_overview_figures
from app.models import Municipality
from app.models.overview_figures import OverviewFigures
from app.queries import overview_figures
from app.queries.overview import agreement_figures
from app.services import Services
from tests.overview.data import Known
from tests.web.pages import Browser, text_of


def _rows(services: Services) -> dict[str, OverviewFigures]:
    with services.session_factory() as s:
        rows = {r.scope: r for r in s.scalars(select(OverviewFigures))}
        s.expunge_all()
    return rows


def test_the_job_stores_every_scope_as_computed_directly(services: Services, known: Known) -> None:
    assert refresh_overview_figures(services) == 1 + known_municipalities(services)
    rows = _rows(services)
    now, today = services.clock.now(), services.clock.today()
    with services.session_factory() as s:
        ids = list(s.scalars(select(Municipality.id)))
        for scope in [None, *([i] for i in ids)]:
            row = rows[overview_figures.scope_key(scope) or ""]
            assert row.day == today and row.computed_at == now and row.seconds >= 0
            assert row.figures == overview_figures.to_json(agreement_figures(s, scope, now, today))
    assert rows["all"].figures["money"], "the known data has planned payments"
    assert sum(m["counts"]["payment"] for m in rows["all"].figures["months"]) > 0


def known_municipalities(services: Services) -> int:
    with services.session_factory() as s:
        return len(list(s.scalars(select(Municipality.id))))


def test_the_page_reads_the_stored_figures_without_computing_them(browser: Browser, services: Services,
                                                                  known: Known) -> None:
    refresh_overview_figures(services)
    with services.unit_of_work() as s:  # a figure no computation gives: proves the page read the row
        row = s.get(OverviewFigures, "all")
        assert row is not None
        municipality = row.figures["money"][0][1]
        row.figures = {**row.figures, "money": [[2031, municipality, 777_000, 0]]}
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    browser.login("admin")
    event.listen(services.db, "before_cursor_execute", seen)
    try:
        text = text_of(browser.get("/admin/"))
    finally:
        event.remove(services.db, "before_cursor_execute", seen)
    assert "777 000 kr" in text and "2031" in text
    assert not [st for st in statements if "agreement_payments" in st or "agreement_follow_ups" in st]


def test_old_or_yesterdays_figures_are_computed_again_and_stored(browser: Browser, services: Services,
                                                                  known: Known, clock: ManualClock) -> None:
    refresh_overview_figures(services)
    browser.login("admin")
    before = _rows(services)["all"]
    clock.advance(seconds=services.settings.overview_cache_seconds)  # as old as a page accepts: too old
    assert "kr" in text_of(browser.get("/admin/"))
    again = _rows(services)["all"]
    assert again.computed_at == clock.now() > before.computed_at and again.figures == before.figures
    with services.unit_of_work() as s:  # figures of yesterday (their twelve months start elsewhere)
        s.execute(update(OverviewFigures).values(day=clock.today() - timedelta(days=1)))
    assert "kr" in text_of(browser.get("/admin/"))
    assert _rows(services)["all"].day == clock.today()
    clock.advance(seconds=-3600)  # a clock moved back (a demo): figures "from the future" are not taken
    browser.get("/admin/")
    assert _rows(services)["all"].computed_at == clock.now()


def test_other_scopes_and_no_keeping_store_nothing(services: Services, known: Known) -> None:
    now, today = services.clock.now(), services.clock.today()
    assert overview_figures.scope_key([]) is None and overview_figures.scope_key([1, 2]) is None
    with services.session_factory() as s:
        overview_figures.figures_for(s, services.session_factory, [], now, today, 60)  # no municipality
        overview_figures.figures_for(s, services.session_factory, None, now, today, 0)  # keeping turned off
        assert overview_figures.stored(s, None, now, today, 0) is None
    assert _rows(services) == {}
