"""The simulation page cannot be used to load the CPU: one simulation at a time, identical requests cached."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from app.web.pages import simulation as page
from tests.simulation.test_page import GOOD, URL
from tests.web.pages import Browser, text_of


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    page._cache.clear()
    yield
    page._cache.clear()


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    real = page.simulate

    def counted(options: Any, settings: Any) -> Any:
        calls.append(options)
        return real(options, settings)

    monkeypatch.setattr(page, "simulate", counted)
    return calls


def test_a_second_simulation_while_one_runs_gets_429_with_retry_after(
        client: FlaskClient, people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    browser = Browser(client)
    browser.login("owner")
    assert page._running.acquire(blocking=False)  # another request's simulation is running
    try:
        resp = browser.post(URL, GOOD)
    finally:
        page._running.release()
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) > 0
    assert "En simulering körs redan. Vänta några sekunder och försök igen." in text_of(resp.get_data(as_text=True))
    assert 'value="120000"' in resp.get_data(as_text=True)  # the input is kept
    assert calls == []
    assert browser.post(URL, GOOD).status_code == 200  # once it is done, it runs
    assert len(calls) == 1


def test_identical_requests_are_answered_from_the_cache_even_while_busy(
        client: FlaskClient, people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    browser = Browser(client)
    browser.login("owner")
    first = browser.post(URL, GOOD)
    assert first.status_code == 200 and len(calls) == 1
    with page._running:
        again = browser.post(URL, {**GOOD, "yearly_amount_sek": "120 000"})  # the same options
        assert again.status_code == 200
        assert browser.post(URL, {**GOOD, "yearly_amount_sek": "120001"}).status_code == 429
    assert len(calls) == 1
    assert text_of(again.get_data(as_text=True)) == text_of(first.get_data(as_text=True))
    browser.login("officer")  # the cache is per question, not per user: results hold no personal data
    assert browser.post(URL, GOOD).status_code == 200 and len(calls) == 1


def test_inputs_are_bounded(client: FlaskClient, people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    browser = Browser(client)
    browser.login("owner")
    for field, value in (("years", "6"), ("years", "0"), ("yearly_amount_sek", "1000000001"),
                         ("start", "2101-01-01"), ("years", "9" * 5000)):
        assert browser.post(URL, {**GOOD, field: value}).status_code == 422, (field, value)
    assert calls == []
