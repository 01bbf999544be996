"""The administrator's overview: the aggregates on a known data set, the municipality scope, odd parameters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, update

from app.core.clock import ManualClock
from app.core.statuses import CaseStatus
from app.domain.accounts import add_user
from app.models import Case
from app.models.agreement import AgreementPayment
from app.queries.overview import overview
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.overview.data import NOW, Known
from tests.web.pages import Browser, text_of


def test_the_aggregates_of_a_known_data_set(services: Services, known: Known) -> None:
    with services.unit_of_work() as s:
        found = overview(s, None, NOW, date(2026, 11, 23), "sv")
    f, st = known.falun, known.stenungsund
    assert found.status_totals == {"running": 6, "failed": 2, "completed": 1}
    falun_process = "Initiativ till IOP (Falun)"
    steps = [(row.process == falun_process, row.step, row.per_municipality) for row in found.steps]
    assert steps == [(True, "Granska", {f: 4}), (False, "Granska", {st: 2}), (False, "Betala", {st: 1}),
                     (True, "Besluta", {f: 1})]  # the largest first, then by process and step
    assert found.overdue == {"lawyer": {f: 2}, "officer": {f: 1, st: 3}}
    assert found.overdue_totals == {"lawyer": 2, "officer": 4}
    assert found.failed_total == 2
    assert [(c.case_id, c.step, c.message) for c in found.failed] == [
        (known.failed_falun, "Granska", "Tjänsten svarade inte"),
        (known.failed_stenungsund, "Betala", "Utbetalningen kunde inte skickas")]  # the latest incident event
    months = {m.first: m.counts for m in found.months}
    assert [m.first for m in found.months][0] == date(2026, 11, 1) and len(months) == 12
    assert [m.first for m in found.months][-1] == date(2027, 10, 1)
    nonzero = {(day.isoformat()[:7], kind): n for day, counts in months.items() for kind, n in counts.items() if n}
    assert nonzero == {("2026-12", "payment"): 1, ("2027-01", "payment"): 2, ("2027-01", "follow_up"): 1,
                       ("2027-02", "follow_up"): 1, ("2027-03", "renewal_dialogue"): 1,
                       ("2027-01", "renewal_dialogue"): 1, ("2027-06", "renewal_deadline"): 1,
                       ("2027-04", "renewal_deadline"): 1}
    money = {(r.year, r.municipality_id): (r.committed_sek, r.paid_sek) for r in found.money}
    assert money == {(2026, f): (240_000, 100_000), (2027, f): (200_000, 0), (2026, st): (30_000, 30_000),
                     (2027, st): (70_000, 0)}
    assert found.money_per_year() == [(2026, 270_000, 130_000), (2027, 270_000, 0)]


def test_one_municipality_never_shows_the_others_numbers(services: Services, known: Known) -> None:
    with services.unit_of_work() as s:
        found = overview(s, [known.falun], NOW, date(2026, 11, 23), "sv")
    assert [m.slug for m in found.municipalities] == ["falun"]
    assert found.status_totals == {"running": 4, "failed": 1, "completed": 1}
    assert all(set(row.per_municipality) == {known.falun} for row in found.steps)
    assert found.overdue == {"lawyer": {known.falun: 2}, "officer": {known.falun: 1}}
    assert [c.case_id for c in found.failed] == [known.failed_falun]
    assert sum(m.counts["renewal_dialogue"] for m in found.months) == 1
    assert {r.municipality_id for r in found.money} == {known.falun}
    with services.unit_of_work() as s:
        nothing = overview(s, [], NOW, date(2026, 11, 23), "sv")
    assert nothing.status_totals == {} and nothing.failed == [] and nothing.money == [] and nothing.overdue == {}


def test_the_calendar_starts_at_the_month_of_today_in_stockholm(services: Services, known: Known,
                                                                clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 00:30 on 1 December in Stockholm
    with services.unit_of_work() as s:
        found = overview(s, None, clock.now(), clock.today(), "sv")
    assert found.months[0].first == date(2026, 12, 1) and found.months[-1].first == date(2027, 11, 1)
    assert found.months[1].first == date(2027, 1, 1) and found.months[1].counts["payment"] == 2


def test_a_constant_number_of_statements(services: Services, known: Known) -> None:
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(services.db, "before_cursor_execute", seen)
    try:
        with services.unit_of_work() as s:
            overview(s, None, NOW, date(2026, 11, 23), "sv")
    finally:
        event.remove(services.db, "before_cursor_execute", seen)
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) <= 13


def test_global_admin_sees_all_and_can_choose_one(browser: Browser, known: Known) -> None:
    browser.login("admin")
    page = browser.get("/admin/")
    text = text_of(page)
    assert "Ärenden som har fastnat (2)" in text
    assert "Tjänsten svarade inte" in text and "Utbetalningen kunde inte skickas" in text
    assert f'href="/cases/{known.failed_falun}"' in page
    assert 'href="/cases/?overdue=1&amp;role=officer"' in page and "4 uppgifter" in text
    assert 'role="img"' in page and "Visa som tabell" in text
    assert "240 000 kr" in text and "Stenungsund" in text
    falun = browser.get("/admin/?municipality=falun")
    assert "Ärenden som har fastnat (1)" in text_of(falun)
    shown = text_of(falun).split("I korthet")[1]
    assert "Utbetalningen kunde inte skickas" not in shown and "30 000 kr" not in shown
    assert "Stenungsund" not in shown
    assert 'href="/cases/?municipality=falun&amp;overdue=1&amp;role=lawyer"' in falun
    odd = text_of(browser.get("/admin/?municipality=nowhere"))
    assert "Det finns ingen kommun som heter ”nowhere”. Alla kommuner visas." in odd


def test_municipality_admin_and_process_owner_see_only_their_municipality(browser: Browser, known: Known,
                                                                         services: Services) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, "steg_admin", PASSWORD, "admin", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    browser.login("steg_admin")
    for url in ("/admin/", "/admin/?municipality=falun"):
        page = browser.get(url)
        assert "Ärenden som har fastnat (1)" in text_of(page)
        assert "Tjänsten svarade inte" not in page and "240\u00a0000" not in page
        assert 'name="municipality"' not in page  # no chooser
    browser.login("owner")  # Falun
    page = browser.get("/admin/?municipality=stenungsund")
    assert "Tjänsten svarade inte" in page and "Utbetalningen kunde inte skickas" not in page
    assert "/agreements/upcoming" not in page  # process owners cannot open that page
    browser.login("officer")
    assert browser.client.get("/admin/").status_code == 403


@pytest.mark.parametrize("query", ["?municipality=%00", "?municipality=" + "x" * 5000, "?page=-1&status=zzz",
                                   "?municipality=falun&municipality=stenungsund", "?lang=xx"])
def test_odd_parameters_never_break_the_page(browser: Browser, known: Known, query: str) -> None:
    browser.login("admin")
    assert browser.client.get("/admin/" + query).status_code == 200


def test_the_page_in_english(browser: Browser, known: Known) -> None:
    browser.login("admin")
    text = text_of(browser.get("/admin/?lang=en"))
    assert "Failed cases (2)" in text and "Committed" in text and "overview." not in text


def test_the_calendar_and_money_are_kept_a_minute_the_rest_is_live(browser: Browser, known: Known,
                                                                   services: Services, clock: ManualClock) -> None:
    browser.login("admin")
    first = text_of(browser.get("/admin/"))
    assert "240 000 kr" in first and "Ärenden som har fastnat (2)" in first
    assert f"räknades fram kl. {clock.now().astimezone(clock.tz):%H:%M}" in first
    with services.unit_of_work() as s:  # every payment doubles; one failed case is repaired
        s.execute(update(AgreementPayment).values(amount_sek=AgreementPayment.amount_sek * 2))
        s.execute(update(Case).where(Case.id == known.failed_falun).values(status=CaseStatus.RUNNING))
    clock.advance(seconds=59)
    kept = text_of(browser.get("/admin/"))
    assert "240 000 kr" in kept and "480 000 kr" not in kept  # the money as computed a minute ago
    assert "Ärenden som har fastnat (1)" in kept  # the failed cases are read on every request
    clock.advance(seconds=1)
    assert "480 000 kr" in text_of(browser.get("/admin/"))
