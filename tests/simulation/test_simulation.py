"""The simulation drives the real Stenungsund diagram on a virtual clock and reports dated events."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest

from app.simulation import InvalidOptions, SimulationOptions, format_table, parse_options, render_svg, simulate


def test_five_years_yearly_from_a_leap_day() -> None:
    result = simulate(SimulationOptions(start=date(2028, 2, 29), years=5, interval="yearly",
                                        yearly_amount_sek=400_000))
    assert result.decision_on == date(2028, 1, 29)
    # a period from 29 February runs to the end of February: 2033-02-28 is its last day
    assert [(p.start, p.end) for p in result.periods] == [(date(2028, 2, 29), date(2033, 2, 28))]
    released = ["2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29"]  # no drift after February
    assert result.dates("payment_released") == released
    assert result.dates("payment_paid") == [
        (date.fromisoformat(d) + timedelta(days=2)).isoformat() for d in released]
    assert {e.amount_sek for e in result.of_kind("payment_paid")} == {400_000}
    # follow-up k opens two months before anniversary k
    assert result.dates("follow_up_opened") == ["2028-12-28", "2029-12-28", "2030-12-28", "2031-12-29",
                                                "2032-12-28"]
    assert len(result.dates("follow_up_approved")) == 5
    assert result.dates("payment_held") == [] and result.dates("follow_up_reminder") == []
    assert result.dates("renewal_dialogue_opened") == ["2032-05-28"]  # nine months before 2033-02-28
    assert result.dates("renewal_declined") == ["2032-06-27"]
    assert result.dates("renewal_escalated") == []
    assert result.dates("agreement_ended") == ["2033-03-01"]
    assert result.outcome == "ended" and result.stopped_on is None
    assert result.total_paid_sek == 2_000_000
    days = [e.on for e in result.events]
    assert days == sorted(days)
    assert "2032-02-29" in format_table(result, "en")


def test_quarterly_with_a_late_first_report_holds_the_gated_payment() -> None:
    result = simulate(SimulationOptions(start=date(2028, 2, 29), years=2, interval="quarterly",
                                        yearly_amount_sek=400_000, late_follow_up=True))
    assert result.periods[0].end == date(2030, 2, 28)
    assert result.dates("payment_released") == [
        "2028-02-29", "2028-05-29", "2028-08-29", "2028-11-29",
        "2029-03-21",  # the held payment of 2029-02-28, released when the late report is approved
        "2029-05-29", "2029-08-29", "2029-11-29"]
    assert {e.amount_sek for e in result.of_kind("payment_released")} == {100_000}
    assert result.dates("follow_up_opened") == ["2028-12-28", "2029-12-28"]
    assert result.dates("follow_up_reminder") == ["2029-01-28"]  # one month before the anniversary
    held = result.of_kind("payment_held")
    assert [(e.on.isoformat(), e.ref) for e in held] == [("2029-02-28", "v1-p05")]
    assert result.dates("hold_escalated") == ["2029-02-28"]
    assert result.dates("follow_up_submitted")[0] == "2029-03-14"
    assert result.dates("follow_up_approved")[0] == "2029-03-21"
    assert result.dates("renewal_dialogue_opened") == ["2029-05-28"]
    assert result.dates("agreement_ended") == ["2030-03-01"]
    assert result.total_paid_sek == 800_000


def test_lump_sum_is_one_payment_at_the_start() -> None:
    result = simulate(SimulationOptions(start=date(2027, 1, 1), years=2, interval="lump_sum",
                                        yearly_amount_sek=100_000))
    assert [(e.on.isoformat(), e.amount_sek) for e in result.of_kind("payment_released")] == [("2027-01-01", 200_000)]
    assert result.dates("agreement_ended") == ["2029-01-01"]


def test_renewed_once_then_declined() -> None:
    result = simulate(SimulationOptions(start=date(2023, 3, 1), years=2, interval="yearly", renew=True))
    assert [(p.version, p.start) for p in result.periods] == [(1, date(2023, 3, 1)), (2, date(2025, 3, 1))]
    assert result.dates("renewal_decided") == ["2024-07-27"]
    assert result.dates("renewal_declined") == ["2026-06-27"]
    assert result.dates("agreement_ended") == ["2027-03-01"]


def test_a_runaway_agreement_stops_at_the_horizon() -> None:
    result = simulate(SimulationOptions(start=date(2023, 3, 1), years=1, interval="yearly", renew=True))
    # either the agreement ends (diagram fixed) or the simulation stops half a year after the renewed period
    assert result.outcome == "ended" or result.stopped_on == date(2025, 9, 1)
    assert result.events[-1].on <= date(2025, 9, 1)


def test_svg_is_well_formed_with_one_marker_per_event() -> None:
    result = simulate(SimulationOptions(start=date(2027, 1, 1), years=1, interval="half_yearly"))
    svg = render_svg(result, "sv")
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    markers = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if "ev" in (g.get("class") or "").split()]
    assert len(markers) == len(result.events)
    assert root.get("role") == "img"
    assert "Utbetalning frisläppt" in svg and "2027" in svg


def test_the_virtual_clock_does_not_leak_into_the_wall_clock() -> None:
    import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer

    simulate(SimulationOptions(start=date(2040, 1, 1), years=1))
    assert abs(spiff_timer.datetime.now(UTC) - datetime.now(UTC)) < timedelta(minutes=1)


@pytest.mark.parametrize(("raw", "field", "code"), [
    ({"years": "9"}, "years", "years_range"),
    ({"years": "två"}, "years", "integer"),
    ({"start": "2027-02-30"}, "start", "date"),
    ({"interval": "monthly"}, "interval", "interval"),
    ({"yearly_amount_sek": "0"}, "yearly_amount_sek", "yearly_amount_sek_range"),
    ({"municipality": "falun"}, "municipality", "municipality"),
])
def test_bad_options_name_the_field(raw: dict[str, str], field: str, code: str) -> None:
    good = {"municipality": "stenungsund", "yearly_amount_sek": "400 000", "start": "2027-01-01", "years": "5",
            "interval": "yearly"}
    with pytest.raises(InvalidOptions) as caught:
        parse_options({**good, **raw})
    assert list(caught.value.problems) == [field]
    assert caught.value.problems[field].code == code
    assert parse_options(good).yearly_amount_sek == 400_000
