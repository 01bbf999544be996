"""The simulation runs the real diagram and forms, and reports what the organisation would see through the same
policy: the secret statistics masked, internal entries (timers) kept from it; the page says so."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.simulation import SimulationOptions, simulate
from tests.web.pages import Browser, text_of


@pytest.mark.slow
def test_the_simulated_agreement_shows_the_organisation_no_secret_and_no_internal_entry() -> None:
    result = simulate(SimulationOptions(start=date(2027, 1, 1), years=2, interval="yearly",
                                        yearly_amount_sek=200_000))
    view = result.party_view
    assert view is not None
    assert 0 < view.events_shown < view.events_total
    assert "timer_fired" in view.kinds_kept_from_party and "task_completed" not in view.kinds_kept_from_party
    assert view.secret_fields == ("Statistik enligt överenskommelsen",)  # the follow-up reports' statistics
    assert view.values_kept > 0  # the staff-only forms' answers (the payments, the suitability assessment)


@pytest.mark.slow
def test_the_simulation_page_says_what_the_organisation_sees(client: FlaskClient, people: Any) -> None:
    browser = Browser(client)
    browser.login("owner")
    resp = browser.post("/simulation/", {"municipality": "stenungsund", "yearly_amount_sek": "200000",
                                         "start": "2027-01-01", "years": "2", "interval": "yearly"})
    assert resp.status_code == 200, resp.status_code
    seen = text_of(resp.get_data(as_text=True))
    assert "Det organisationen ser" in seen and "Visas som sekretess för organisationen: Statistik" in seen
