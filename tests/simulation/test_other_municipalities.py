"""The simulation drives Gävle's and Kungsbacka's own diagrams too: each prepares in its own steps up to its
committee's decision, then the shared agreement machinery runs on the virtual clock."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.simulation import SimulationOptions, configured_municipalities, simulate, simulated_municipalities
from tests.web.pages import Browser, text_of

pytestmark = pytest.mark.slow  # whole-process walks: `make check` leaves them to `make check-all` and CI


def test_every_municipality_with_an_agreement_process_is_offered() -> None:
    assert list(simulated_municipalities(configured_municipalities())) == ["gavle", "kungsbacka", "stenungsund"]


@pytest.mark.parametrize(("municipality", "minute"), [("gavle", "SN § 1"), ("kungsbacka", "GAN § 1")])
def test_two_years_renewed_once(municipality: str, minute: str) -> None:
    result = simulate(SimulationOptions(municipality=municipality, start=date(2028, 1, 1), years=2,
                                        interval="yearly", yearly_amount_sek=300_000, renew=True))
    assert result.decision_on == date(2027, 12, 1)
    assert [e.detail for e in result.of_kind("decision")] == [minute]
    assert [(p.start, p.end) for p in result.periods] == [(date(2028, 1, 1), date(2029, 12, 31)),
                                                          (date(2030, 1, 1), date(2031, 12, 31))]
    assert result.dates("payment_paid") == ["2028-01-03", "2029-01-03", "2030-01-03", "2031-01-03"]
    assert len(result.dates("follow_up_approved")) == 4
    assert result.dates("renewal_decided") == ["2029-05-30"]
    assert result.dates("agreement_ended") == ["2032-01-01"]
    assert result.outcome == "ended" and result.stopped_on is None
    assert result.total_paid_sek == 1_200_000


def test_the_page_offers_and_runs_kungsbacka(client: FlaskClient, people: Any) -> None:
    browser = Browser(client)
    browser.login("owner")
    page = browser.get("/simulation/")
    assert all(f'value="{slug}"' in page for slug in ("gavle", "kungsbacka", "stenungsund"))
    resp = browser.post("/simulation/", {"municipality": "kungsbacka", "yearly_amount_sek": "200000",
                                         "start": "2028-01-01", "years": "1", "interval": "yearly"})
    assert resp.status_code == 200
    text = text_of(resp.get_data(as_text=True))
    assert "GAN § 1" in text and "Överenskommelsen avslutad" in text
