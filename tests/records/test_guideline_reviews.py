"""The IOP guidelines are reviewed once per electoral term (issue 13): the task opens on the municipality's day
of the year after each general election (a setting), once however often the sweep runs, the process owners get a
mail, and a process owner records the outcome through the page or the API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.clock import ManualClock
from app.core.municipal_settings import MunicipalSettings, SettingsError
from app.domain.guidelines import Term, current_term, next_review_day
from app.jobs.timer_sweep import fire_due_timers
from app.models import Notification, User
from app.models.guidelines import GuidelineReview
from app.services import Services
from tests.web.pages import Browser, text_of

REVIEW_DAY = datetime(2027, 2, 28, 23, 0, tzinfo=UTC)  # 1 March 2027, 00:00 in Stockholm


@pytest.fixture
def browser(client: FlaskClient, people: dict[str, User]) -> Browser:
    return Browser(client)


@pytest.mark.parametrize(("today", "term"), [
    (date(2026, 12, 6), None),  # the 2026 election was held; its review comes in March 2027
    (date(2027, 2, 28), None),
    (date(2027, 3, 1), Term(2026, date(2027, 3, 1))),
    (date(2030, 8, 31), Term(2026, date(2027, 3, 1))),  # still the term of 2026 until its election
    (date(2030, 9, 1), None),  # the 2030 election: the old term's review is no longer asked for
    (date(2031, 3, 1), Term(2030, date(2031, 3, 1))),
    (date(2023, 6, 1), Term(2022, date(2023, 3, 1))),
])
def test_the_term_whose_review_is_due(today: date, term: Term | None) -> None:
    assert current_term(today, "03-01") == term


def test_the_next_review_day_and_the_setting() -> None:
    assert next_review_day(date(2026, 12, 6), "03-01") == date(2027, 3, 1)
    assert next_review_day(date(2027, 3, 1), "03-01") == date(2031, 3, 1)
    assert next_review_day(date(2027, 3, 1), "10-15") == date(2027, 10, 15)
    assert MunicipalSettings.from_mapping({"guidelines_review_on": "10-15"}).guidelines_review_on == "10-15"
    for bad in ("02-29", "13-01", "3-1", "03/01", 301):
        with pytest.raises(SettingsError) as refused:
            MunicipalSettings.from_mapping({"guidelines_review_on": bad})
        assert refused.value.field == "guidelines_review_on"


def _reviews(services: Services) -> list[GuidelineReview]:
    with services.unit_of_work() as s:
        rows = list(s.scalars(select(GuidelineReview).order_by(GuidelineReview.id)))
        s.expunge_all()
        return rows


def _owner_mail(services: Services) -> list[Notification]:
    with services.unit_of_work() as s:
        rows = list(s.scalars(select(Notification).where(Notification.kind == "guidelines_review")))
        s.expunge_all()
        return rows


def _give_owner_an_address(services: Services, people: dict[str, User]) -> None:
    with services.unit_of_work() as s:
        owner = s.get(User, people["owner"].id)
        assert owner is not None
        owner.email = "owner@example.org"


def test_the_sweep_opens_each_municipalitys_review_once_on_its_day(
        services: Services, clock: ManualClock, people: dict[str, User]) -> None:
    _give_owner_an_address(services, people)
    clock.set(datetime(2027, 2, 28, 22, 59, tzinfo=UTC))  # 23:59 on the day before, in Stockholm
    fire_due_timers(services)
    assert _reviews(services) == []
    clock.set(REVIEW_DAY)
    fire_due_timers(services)
    fire_due_timers(services)  # a second sweep (or scheduler) opens nothing more
    reviews = _reviews(services)
    assert len(reviews) == 4  # every municipality of config/
    assert {(r.election_year, r.due_on, r.completed_at) for r in reviews} == {(2026, date(2027, 3, 1), None)}
    [mail] = _owner_mail(services)
    assert mail.recipient == "owner@example.org"
    assert "Dags att se över riktlinjerna för IOP (Falu kommun)" == mail.subject
    assert "mandatperioden 2026–2030" in mail.body and "2027-03-01" in mail.body


def test_the_process_owner_records_the_review_through_the_page(
        services: Services, clock: ManualClock, browser: Browser) -> None:
    clock.set(REVIEW_DAY)
    fire_due_timers(services)
    browser.login("owner")
    overview = text_of(browser.get("/admin/"))
    assert "Riktlinjerna för IOP ska ses över för mandatperioden 2026–2030." in overview
    page = text_of(browser.get("/guidelines"))
    assert "Översyn för mandatperioden 2026–2030" in page and "öppnades den 1 mars 2027" in page
    [review] = [r for r in _reviews(services) if r.municipality_id == browser_municipality(services, "owner")]

    bad = browser.post(f"/guidelines/{review.id}/complete", {"note": "Vi läste igenom dem."}, page="/guidelines")
    assert bad.status_code == 400
    shown = bad.get_data(as_text=True)
    assert "Välj om riktlinjerna gäller oförändrade" in text_of(shown)
    assert "Skriv vilket beslut översynen bygger på" in text_of(shown)
    assert "Vi läste igenom dem.</textarea>" in shown  # kept

    done = browser.post(f"/guidelines/{review.id}/complete", {"outcome": "revised", "note": "Ny skrivning om "
                        "uppföljning.", "decision_reference": "KF 2027-05-12 § 45"}, page="/guidelines")
    assert done.status_code == 303
    page = text_of(browser.get("/guidelines"))
    assert "Riktlinjerna har reviderats" in page and "KF 2027-05-12 § 45" in page
    assert "Nästa översyn ska göras från den 1 mars 2031" in page
    assert "ska ses över för mandatperioden" not in text_of(browser.get("/admin/"))
    for who in ("org_a", "lawyer", "officer"):
        browser.login(who)
        browser.get("/guidelines", status=403)
        assert browser.post(f"/guidelines/{review.id}/complete", {"outcome": "unchanged", "decision_reference": "X"},
                            page="/login").status_code == 403


def browser_municipality(services: Services, username: str) -> int:
    with services.unit_of_work() as s:
        found = s.scalar(select(User.municipality_id).where(User.username == username))
        assert found is not None
        return found


def test_the_api_and_who_may_do_what(services: Services, clock: ManualClock, api: Any) -> None:
    clock.set(REVIEW_DAY)
    fire_due_timers(services)
    owner = api("owner")
    listed = owner.get("/api/v1/guideline-reviews").get_json()
    assert listed["municipality"] == "falun" and listed["next_review_on"] == "2031-03-01"
    [open_review] = listed["items"]
    url = f"/api/v1/guideline-reviews/{open_review['id']}/complete"
    refused = owner.post(url, {"outcome": "maybe"})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"outcome", "decision_reference"}
    body = {"outcome": "unchanged", "decision_reference": "KS 2027-04-02 § 12"}
    assert api("lawyer").post(url, body).status_code == 403
    assert api("admin").post(url, body).status_code == 403  # the process owner records it
    assert api("lawyer").get("/api/v1/guideline-reviews").status_code == 403
    done = owner.post(url, body)
    assert done.status_code == 200 and done.get_json()["outcome"] == "unchanged"
    assert owner.post(url, body).status_code == 409
    admin = api("admin")
    assert admin.get("/api/v1/guideline-reviews?municipality=falun").get_json()["items"][0]["completed_by"]
    stenungsund = [r for r in _reviews(services) if r.id != open_review["id"]][0]
    assert owner.post(f"/api/v1/guideline-reviews/{stenungsund.id}/complete", body).status_code == 404
