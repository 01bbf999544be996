"""/agreements/upcoming: the next 12 months of the municipality's agreements, month by month, with SEK per year."""

from __future__ import annotations

from app.domain.accounts import add_user
from app.services import Services
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of


def _people(services: Services) -> None:
    with services.unit_of_work() as s:
        for name, role in (("st_board", "board"), ("st_finance", "finance"), ("st_lawyer", "lawyer")):
            add_user(s, services.clock, name, PASSWORD, role, municipality="stenungsund", password_hash=PASSWORD_HASH)


def test_month_by_month_overdue_and_sek_per_year(services: Services, browser: Browser) -> None:
    case_id = steps.to_decision(services)
    steps.advance(services, "2026-01-01")  # released, not yet paid
    steps.advance(services, "2026-03-01")
    _people(services)
    browser.login("st_board")
    html = browser.get("/agreements/upcoming")
    text = text_of(html)
    assert "Försenat" in text and "Utbetalning 400 000 kr ska betalas ut" in text
    assert "November 2026 " in text and "Uppföljning av år 1 öppnar" in text
    assert "December 2026" in text and "Sista dag för uppföljningen av år 1" in text
    assert "Januari 2027" in text and "Utbetalning 400 000 kr planeras" in text
    assert "Dialogen om förnyelse" not in text  # 2030: outside the 12 months
    assert f'href="/cases/{case_id}"' in html and f'href="/cases/{case_id}/agreement"' in html
    assert 'class="upcoming-overdue"' in html and "<caption>" in html and 'scope="row"' in html
    assert "2027 400 000 kr" in text.replace(" 0 kr", "")  # the SEK per year table
    assert 'href="/agreements/upcoming"' in html and "/finance/payments" not in html  # board: no payments link
    browser.login("st_finance")
    assert 'href="/finance/payments"' in browser.get("/agreements/upcoming")


def test_access(services: Services, browser: Browser) -> None:
    steps.to_decision(services)
    _people(services)
    browser.login("officer")  # Falun: sees Falun's (none), not Stenungsund's
    assert "KS 2025" not in text_of(browser.get("/agreements/upcoming"))
    for name in ("org_a", "st_lawyer"):
        browser.login(name)
        browser.get("/agreements/upcoming", status=403)
        assert 'href="/agreements/upcoming"' not in browser.get("/tasks/")
    browser.login("admin")
    assert "Kommun" in text_of(browser.get("/agreements/upcoming"))
    assert "Uppföljning av år 1" in text_of(browser.get("/agreements/upcoming?municipality=stenungsund"))
    browser.get("/agreements/upcoming?municipality=nowhere", status=404)
