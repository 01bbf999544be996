"""From the decision to a running agreement on the injected clock: the shared agreement cycle pays, follows up
and renews Kungsbacka's agreement; de minimis is checked at Kungsbacka's decision."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.errors import InvalidData
from app.services import Services
from tests.kungsbacka import steps

pytestmark = pytest.mark.slow  # whole-process walks: `make check` leaves them to `make check-all` and CI


def _decided(services: Services, decision: dict[str, Any] | None = None) -> int:
    steps.at(services, "2026-12-10")
    case_id = steps.start_by_officer(services)
    steps.complete(services, case_id, "municipal_initiative", steps.INITIATIVE, "kb_officer")
    steps.to_decision(services, case_id)
    steps.complete(services, case_id, "decision", decision or steps.DECISION, "kb_board")
    return case_id


def test_full_path_to_a_running_agreement_with_payments_follow_ups_and_renewal(services: Services,
                                                                             kb_people: Any) -> None:
    case_id = _decided(services)
    row = steps.agreement(services, case_id)
    assert row.status == "running"
    assert [(p.due.isoformat(), p.amount_sek) for p in row.payments] == [
        ("2027-01-01", 300000), ("2028-01-01", 300000), ("2029-01-01", 300000)]
    assert "Stödcentrum" in str(row.parties) and "Föreningen Gemenskap" in str(row.parties)
    told = " ".join(row.state["resources"]["other"].replace("\xa0", " ").split())  # every party's contribution
    for shown in ("Kungsbacka kommun: 300 000 kr i pengar", "800 volontärtimmar (värde 200 000 kr)",
                  "Stödcentrum: 20 000 kr i pengar och Två handledare (värde 90 000 kr) per år."):
        assert shown in told, (shown, told)
    steps.advance(services, "2027-01-01")
    assert steps.names(services, case_id) == ["pay"]
    steps.complete(services, case_id, "pay", steps.PAYMENT, "kb_finance")
    assert {p.due.isoformat(): p.status for p in steps.agreement(services, case_id).payments}["2027-01-01"] == "paid"
    steps.advance(services, "2027-11-01")  # the first follow-up opens two months before the anniversary
    assert steps.names(services, case_id) == ["report"]
    steps.complete(services, case_id, "report", steps.REPORT, "org_a")
    steps.complete(services, case_id, "review", steps.APPROVE, "kb_officer")
    assert [f.status for f in steps.agreement(services, case_id).follow_ups][0] == "approved"
    steps.advance(services, "2028-01-01")
    assert steps.names(services, case_id) == ["pay"]  # released: the follow-up that gates it is approved
    steps.complete(services, case_id, "pay", steps.PAYMENT, "kb_finance")
    _follow_up(services, case_id, "2028-11-01")
    steps.advance(services, "2029-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT, "kb_finance")
    steps.advance(services, "2029-04-01")  # nine months before the end on 2029-12-31
    assert steps.names(services, case_id) == ["renewal_dialogue"]
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2029-04-20", "participants": "Båda parter", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"}, "kb_officer")
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": True, "renewal_decision_date": "2029-05-20", "renewal_minute_reference": "GAN § 12",
        "renewal_yearly_support_sek": 320000, "renewal_years": 2, "renewal_interval": "yearly"}, "kb_board")
    _follow_up(services, case_id, "2029-11-01")
    steps.advance(services, "2030-01-01")  # the renewed period begins with its first payment
    assert steps.names(services, case_id) == ["pay"]
    row = steps.agreement(services, case_id)
    assert [(p.version, p.yearly_amount_sek) for p in row.periods] == [(1, 300000), (2, 320000)]
    assert [(p.due.isoformat(), p.status) for p in row.payments if p.version == 2][0] == ("2030-01-01", "released")


def _follow_up(services: Services, case_id: int, opens: str) -> None:
    steps.advance(services, opens)
    assert steps.names(services, case_id) == ["report"]
    steps.complete(services, case_id, "report", steps.REPORT, "org_a")
    steps.complete(services, case_id, "review", steps.APPROVE, "kb_officer")


def test_the_decision_is_refused_above_the_de_minimis_ceiling(services: Services, kb_people: Any) -> None:
    steps.at(services, "2026-12-10")
    case_id = steps.start_by_organisation(services)
    big = {**steps.BUDGET, "yearly_support_sek": 2_000_000, "period_years": 3, "economic_activity": True}
    steps.to_criteria(services, case_id, big)
    steps.complete(services, case_id, "criteria", steps.CRITERIA_MET, "kb_officer")
    steps.complete(services, case_id, "legal_review", steps.PREREQUISITES_MET, "kb_lawyer")
    with pytest.raises(InvalidData) as refused:
        steps.complete(services, case_id, "decision", {**steps.DECISION, "eur_rate": 11.5}, "kb_board")
    assert "state_aid_regulation" in refused.value.fields, (str(refused.value), refused.value.fields)
    assert steps.names(services, case_id) == ["decision"]
