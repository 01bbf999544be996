"""The simulation runs under the municipality's stored settings (what its administrator set), not config/'s:
which municipalities it offers, the longest agreement it accepts and the dates it plans."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.core.municipal_settings import MunicipalSettings
from app.simulation import InvalidOptions, configured_municipalities, parse_options, simulate, simulated_municipalities

GOOD = {"yearly_amount_sek": "100000", "start": "2027-01-01", "years": "1", "interval": "yearly"}


def test_the_municipalities_and_the_longest_agreement_come_from_the_settings_given() -> None:
    configured = configured_municipalities()
    # those offering an agreement cycle (Falun offers only its initiative)
    assert list(simulated_municipalities(configured)) == ["gavle", "kungsbacka", "stenungsund"]
    stenungsund = configured["stenungsund"]
    shorter = replace(stenungsund, agreement=replace(stenungsund.agreement, max_agreement_years=2))
    gavle = MunicipalSettings.from_mapping({"processes": ["stenungsund_agreement"]})
    offered = {"stenungsund": shorter, "gavle": gavle}
    assert list(simulated_municipalities(offered)) == ["gavle", "stenungsund"]
    with pytest.raises(InvalidOptions) as refused:
        parse_options(dict(GOOD, municipality="stenungsund", years="3"), offered)
    assert set(refused.value.problems) == {"years"}
    assert parse_options(dict(GOOD, municipality="stenungsund", years="3")).years == 3  # config/ allows 5
    with pytest.raises(InvalidOptions) as unknown:
        parse_options(dict(GOOD, municipality="falun"), offered)
    assert set(unknown.value.problems) == {"municipality"}
    assert parse_options(dict(GOOD, municipality="gavle"), offered).settings == offered["gavle"]


def test_a_simulated_agreement_gets_the_dates_of_the_stored_settings() -> None:
    stenungsund = configured_municipalities()["stenungsund"]
    six = replace(stenungsund, agreement=replace(stenungsund.agreement, renewal_dialogue_months_before_end=6))
    options = parse_options(dict(GOOD, municipality="stenungsund"), {"stenungsund": six})
    [period] = simulate(options).periods
    assert (period.start, period.end) == (date(2027, 1, 1), date(2027, 12, 31))
    assert (period.renewal_dialogue_opens, period.renewal_decision_deadline) == (date(2027, 6, 30), date(2027, 9, 30))
