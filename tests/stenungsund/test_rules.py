"""Pure rules: payment plans, follow-up and renewal dates, repayment claims."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from app.core import calendar
from app.core.municipal_settings import MunicipalSettings, configure
from app.domain.accounts import configured_settings, municipality_by_slug
from app.domain.agreements import state
from app.domain.agreements.payments import check_period, derive_payment_plan, next_period_start, period_end
from app.domain.agreements.repayment import PaidPayment, compute_repayment
from app.domain.agreements.requirements import company_refusal, missing_documents, party_problems
from app.domain.agreements.schedule import RenewalDates, follow_up_plan, payment_status, renewal_dates
from app.domain.agreements.settings import AgreementSettings, agreement_settings
from app.engine.step import StepContext
from app.models import Case
from app.services import Services
from handlers.agreements import check_plan

S = AgreementSettings()
ROOT = Path(__file__).resolve().parents[2]


def test_yearly_half_yearly_quarterly_and_lump_sum() -> None:
    start = date(2026, 1, 1)
    yearly = derive_payment_plan(start, 5, 400000, "yearly")
    assert [p.due for p in yearly] == [date(y, 1, 1) for y in range(2026, 2031)]
    half = derive_payment_plan(start, 2, 100001, "half_yearly")
    assert [(p.due.isoformat(), p.amount_sek) for p in half] == [
        ("2026-01-01", 50001), ("2026-07-01", 50000), ("2027-01-01", 50001), ("2027-07-01", 50000)]
    quarterly = derive_payment_plan(start, 5, 400000, "quarterly")
    assert len(quarterly) == 20 and {p.amount_sek for p in quarterly} == {100000}
    assert quarterly[-1].due == date(2030, 10, 1) and quarterly[-1].agreement_year == 5
    [lump] = derive_payment_plan(start, 3, 100000, "lump_sum")
    assert (lump.due, lump.amount_sek) == (start, 300000)


def test_leap_day_anchor_keeps_to_month_end_and_returns() -> None:
    plan = derive_payment_plan(date(2024, 2, 29), 5, 10, "yearly")
    assert [p.due.isoformat() for p in plan] == ["2024-02-29", "2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]
    assert period_end(date(2023, 3, 1), 5) == date(2028, 2, 29)
    assert renewal_dates(date(2028, 2, 29), S).dialogue_opens == date(2027, 5, 29)
    assert renewal_dates(date(2028, 2, 29), S).decision_deadline == date(2027, 11, 29)


def test_month_end_quarterly_without_drift() -> None:
    plan = derive_payment_plan(date(2025, 1, 31), 1, 400, "quarterly")
    assert [p.due.isoformat() for p in plan] == ["2025-01-31", "2025-04-30", "2025-07-31", "2025-10-31"]


def test_follow_ups_and_status() -> None:
    [f1, f2] = follow_up_plan(date(2026, 1, 1), 2, S)
    assert (f1.opens, f1.due, f1.gates) == (date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1))
    assert f2.gates == date(2028, 1, 1)
    due = date(2027, 1, 1)
    assert payment_status(due, date(2026, 12, 31), paid=False, gate_approved=False) == "planned"
    assert payment_status(due, due, paid=False, gate_approved=False) == "held"
    assert payment_status(due, due, paid=False, gate_approved=True) == "released"
    assert payment_status(due, due, paid=True, gate_approved=False) == "paid"


def test_repayment_pro_rata_and_rules() -> None:
    pays = [PaidPayment(date(2026, 1, 1), 400000, True), PaidPayment(date(2027, 1, 1), 400000, True),
            PaidPayment(date(2028, 1, 1), 400000, False)]
    claim = compute_repayment(pays, date(2028, 12, 31), date(2027, 7, 1))
    assert claim.amount_sek == round(400000 * 184 / 365) and claim.cancelled_sek == 400000
    assert compute_repayment(pays, date(2028, 12, 31), date(2027, 7, 1), "none").amount_sek == 0
    assert compute_repayment(pays, date(2028, 12, 31), date(2027, 7, 1), "unspent_year").amount_sek == 0
    assert compute_repayment(pays, date(2028, 12, 31), date(2026, 12, 1), "unspent_year").amount_sek == 400000
    with pytest.raises(ValueError):
        compute_repayment(pays, date(2028, 12, 31), date(2027, 7, 1), "everything")


def test_requirements() -> None:
    assert "aktiebolag" in (company_refusal("556036-0793") or "")
    assert company_refusal("802400-0005") is None
    missing = missing_documents({"doc_statutes_received": True})
    assert len(missing) == 7 and missing[0].startswith("Beskrivning av föreningens verksamhetsidé")
    assert len(party_problems([{"name": "X", "org_number": "802400-0004"}])) == 1


def test_settings_come_from_the_municipality_file() -> None:
    settings = configured_settings(ROOT / "config" / "municipalities", "stenungsund").agreement
    assert (settings.renewal_dialogue_months_before_end, settings.renewal_deadline_months_before_end,
            settings.max_agreement_years, settings.default_payment_interval) == (9, 3, 5, "yearly")


def test_period_end_is_the_day_before_the_same_date_years_later() -> None:
    assert period_end(date(2026, 1, 1), 5) == date(2030, 12, 31)
    assert period_end(date(2026, 7, 15), 3) == date(2029, 7, 14)
    assert period_end(date(2025, 1, 31), 1) == date(2026, 1, 30)
    assert period_end(date(2023, 3, 1), 5) == date(2028, 2, 29)  # a period from 1 March runs to the end of February


def test_period_from_a_leap_day_runs_to_the_end_of_february() -> None:
    # two years from 29 February 2028: there is no 29 February 2030, so the last day is 28 February
    assert period_end(date(2028, 2, 29), 2) == date(2030, 2, 28)
    assert next_period_start(date(2028, 2, 29), 2) == date(2030, 3, 1)
    assert period_end(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert period_end(date(2028, 2, 29), 4) == date(2032, 2, 28)  # 29 February 2032 exists: the day before it
    assert next_period_start(date(2028, 2, 29), 4) == date(2032, 2, 29)
    plan = derive_payment_plan(date(2028, 2, 29), 2, 100, "yearly")
    assert [p.due for p in plan] == [date(2028, 2, 29), date(2029, 2, 28)]
    assert renewal_dates(period_end(date(2028, 2, 29), 2), S).dialogue_opens == date(2029, 5, 28)


def test_the_issues_date_examples() -> None:
    assert calendar.add_months(date(2028, 2, 29), -9) == date(2027, 5, 29)  # nine months before 29 Feb 2028
    assert calendar.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)  # one month after 31 January
    assert calendar.series(date(2024, 2, 29), 12, 5) == [
        date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]
    # a 09:00 deadline stays 09:00 Stockholm time across both clock changes (UTC+1 in winter, UTC+2 in summer)
    nine = time(9, 0)
    for day, utc_hour in [(date(2027, 3, 27), 8), (date(2027, 3, 29), 7), (date(2027, 10, 30), 7),
                          (date(2027, 11, 1), 8)]:
        moment = calendar.at_local_time(day, nine)
        assert moment.hour == utc_hour and moment.astimezone(calendar.zone()).time() == nine
    before = calendar.at_local_time(date(2027, 3, 27), nine)
    after = calendar.add_duration(before, calendar.parse_duration("P2D"))
    assert after.astimezone(calendar.zone()).time() == nine and after - before == timedelta(hours=47)


def test_settings_are_per_municipality(tmp_path: Path) -> None:
    (tmp_path / "stenungsund.json").write_text(json.dumps({"slug": "stenungsund", "settings": {
        "renewal_dialogue_months_before_end": 6, "renewal_deadline_months_before_end": 2,
        "max_agreement_years": 3, "default_payment_interval": "quarterly"}}), encoding="utf-8")
    other = configured_settings(tmp_path, "stenungsund").agreement
    assert (other.renewal_dialogue_months_before_end, other.renewal_deadline_months_before_end,
            other.max_agreement_years, other.default_payment_interval) == (6, 2, 3, "quarterly")
    # no file: the defaults (9, 3, 5, yearly)
    assert configured_settings(tmp_path, "nowhere").agreement == AgreementSettings()
    assert renewal_dates(date(2030, 12, 31), other) == RenewalDates(date(2030, 6, 30), date(2030, 10, 31))
    with pytest.raises(ValueError, match="at most 3 years"):
        check_period(4, other.max_agreement_years)
    (tmp_path / "bad.json").write_text(json.dumps({"settings": {"default_payment_interval": "weekly"}}),
                                       encoding="utf-8")
    with pytest.raises(ValueError):
        configured_settings(tmp_path, "bad")


def test_agreement_uses_the_municipality_settings(services: Services) -> None:
    stored = MunicipalSettings.from_mapping({
        "renewal_dialogue_months_before_end": 6, "renewal_deadline_months_before_end": 2,
        "max_agreement_years": 3, "default_payment_interval": "half_yearly"})
    with services.unit_of_work() as s:
        configure(municipality_by_slug(s, "stenungsund"), stored)
    with services.session_factory() as s:
        settings = agreement_settings(s, "stenungsund")
        assert settings == stored.agreement
        # the handler reads them in the transaction of the step, for the case's municipality
        step = StepContext(s, Case(municipality=municipality_by_slug(s, "stenungsund")), services.clock)
        problems = json.loads(check_plan(step, {"years": 4, "parties": []}))["problems"]
    terms = {"municipality": "stenungsund", "start": "2026-01-01", "years": 3, "yearly_amount_sek": 100000,
             "interval": None, "own_funds_sek": 50000, "volunteer_hours_per_year": 1200,
             "volunteer_hour_value_sek": 250}
    iop = state.new_agreement(terms, settings)
    assert iop["period"]["interval"] == "half_yearly" and len(iop["payments"]) == 6
    assert (iop["period"]["renewal_dialogue_opens"], iop["period"]["renewal_decision_deadline"]) == (
        "2028-06-30", "2028-10-31")
    assert iop["resources"]["volunteer_value_sek"] == 300000 and iop["resources"]["total_sek"] == 350000
    with pytest.raises(ValueError, match="at most 3 years"):
        state.new_agreement(dict(terms, years=4), settings)
    assert problems == ["Avtalstiden är högst 3 år."]
