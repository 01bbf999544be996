"""IOP_TIMEZONE is honoured everywhere: with the installation in America/New_York, a timer's local day, a date on
a page and a timestamp in the archive package follow New York, not Stockholm (the default)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from app.config import Settings
from app.core import calendar
from app.core.clock import ManualClock
from app.domain import settings_admin
from app.domain.accounts import municipality_by_slug
from app.domain.archive.schema import NAMESPACE
from app.services import Services
from app.web import formatting
from tests.archive.helpers import falun_case, iop
from tests.timers.helpers import case_row, deploy, fired, move, start
from tests.web.pages import Browser, text_of

NEW_YORK = ZoneInfo("America/New_York")


def ny(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def _zone_restored() -> Iterator[None]:
    """build_services makes the clock's zone the calendar's default; the next test's services set theirs."""
    before = calendar.zone()
    yield
    calendar.use_zone(before)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(ny("2027-01-10 10:00"), tz="America/New_York")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, timezone="America/New_York")


def test_the_configured_zone_is_read_and_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IOP_TIMEZONE", "America/New_York")
    assert Settings.from_env(instance_path=tmp_path).timezone == "America/New_York"
    monkeypatch.setenv("IOP_TIMEZONE", "Europe/Nowhere")
    with pytest.raises(ValueError, match="IOP_TIMEZONE must name a time zone"):
        Settings.from_env(instance_path=tmp_path)
    monkeypatch.delenv("IOP_TIMEZONE")
    assert Settings.from_env(instance_path=tmp_path).timezone == "Europe/Stockholm"


def test_a_timers_day_begins_at_midnight_in_the_configured_zone(services: Services, people: Any) -> None:
    assert calendar.zone() == NEW_YORK and services.clock.tz == NEW_YORK
    deploy(services)
    case_id = start(services, "timer_renewal", {"agreement_end": "2028-02-29", "log": []})
    due = ny("2027-05-29 00:00")  # nine months before the end, at the start of the day in New York
    assert case_row(services, case_id).next_timer_at == due == datetime(2027, 5, 29, 4, 0, tzinfo=UTC)
    assert move(services, due - timedelta(minutes=1)) == 0
    assert move(services, due) == 1
    assert [e.task_name for e in fired(services, case_id)] == ["t_dialogue"]


def test_a_page_date_follows_the_configured_zone(services: Services, client: Any, people: Any) -> None:
    late_evening = datetime(2027, 3, 2, 3, 30, tzinfo=UTC)  # 1 March 22:30 in New York, 2 March in Stockholm
    assert formatting.as_date(late_evening).isoformat() == "2027-03-01"
    assert formatting.day(late_evening) == "1 mars 2027"
    services.clock.set(late_evening)  # type: ignore[attr-defined]
    with services.unit_of_work() as s:
        settings_admin.update_settings(s, services.clock, None, municipality_by_slug(s, "falun"),
                                       {"reminder_days_before_due": 4})
    browser = Browser(client)
    browser.login("admin")
    page = text_of(browser.get("/admin/settings/?municipality=falun"))
    assert "2027-03-01 22:30" in page and "2027-03-02" not in page


def test_an_archive_timestamp_carries_the_configured_zone(services: Services, people: Any, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    closing = datetime(2027, 3, 2, 3, 30, tzinfo=UTC)
    case_id = falun_case(services, closing_at=closing)
    monkeypatch.setenv("IOP_TIMEZONE", "America/New_York")
    out = tmp_path / "out"
    result = iop(services, monkeypatch, "archive", "export", "--case", str(case_id), "--out", str(out),
                 now=datetime(2027, 3, 3, 12, 0, tzinfo=UTC))
    assert result.exit_code == 0, result.output
    [package] = [p for p in out.iterdir() if p.is_dir()]
    root = etree.parse(str(package / "metadata.xml")).getroot()
    stamps = [e.text or "" for e in root.iter(f"{{{NAMESPACE}}}date")]
    assert stamps and all(s.endswith(("-05:00", "-04:00")) for s in stamps), stamps
    assert "2027-03-01T22:30:00-05:00" in stamps
    readable = next(package.rglob("*.txt")).read_text(encoding="utf-8")
    assert "America/New_York" in readable and "2027-03-01 22:30:00" in readable
