"""Pure rules: payment plans, follow-up and renewal dates, repayment claims."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.agreements.payments import derive_payment_plan, period_end
from app.domain.agreements.repayment import PaidPayment, compute_repayment
from app.domain.agreements.requirements import company_refusal, missing_documents, party_problems
from app.domain.agreements.schedule import follow_up_plan, payment_status, renewal_dates
from app.domain.agreements.settings import AgreementSettings, load_settings

S = AgreementSettings()


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
    settings = load_settings("stenungsund")
    assert (settings.renewal_dialogue_months_before_end, settings.renewal_deadline_months_before_end,
            settings.max_agreement_years, settings.default_payment_interval) == (9, 3, 5, "yearly")
