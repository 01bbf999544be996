"""A women's shelter's visitor statistics are secret (OSL 26 kap. 1 §; the follow-up report's `x-secret`): the
officer named sees them and every view is logged; the organisation and finance read "Sekretess: <ground>" on the
pages, in the API and in the CSV export; administrators read the log."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.driving.case_driver import CaseDriver
from app.models.secret_view import SecretView
from app.services import Services
from tests.stenungsund import steps
from tests.visibility.conftest import (
    GROUND,
    MASK,
    api_case,
    dumped,
    logged_in,
    page_text,
    shelter_report,
    shows_visitors,
)


def _views(services: Services) -> list[SecretView]:
    with services.unit_of_work() as s:
        rows = list(s.scalars(select(SecretView).order_by(SecretView.id)))
        s.expunge_all()
        return rows


def _csv(app: Flask, username: str, case_id: int) -> str:
    resp = logged_in(app, username).client.get(f"/cases/{case_id}/history.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return str(resp.get_data(as_text=True))


def test_the_organisation_and_finance_read_the_ground_not_the_figures(
        app: Flask, services: Services, shelter_people: dict[str, str]) -> None:
    case_id = shelter_report(services)
    for who in ("organisation", "finance"):
        seen = page_text(app, shelter_people[who], f"/cases/{case_id}")
        assert MASK in seen and not shows_visitors(seen), who
        body = api_case(app, shelter_people[who], case_id)
        [report] = [e for e in body["history"] if e["task"] == "report"]
        assert report["data"]["values"]["statistics_values"] == MASK
        assert not shows_visitors(dumped(body))
        exported = _csv(app, shelter_people[who], case_id)
        assert MASK in exported and not shows_visitors(exported)
    assert _views(services) == []  # masked values are no views


def test_the_named_officer_sees_the_figures_and_each_view_is_logged(
        app: Flask, services: Services, shelter_people: dict[str, str]) -> None:
    case_id = shelter_report(services)
    officer = shelter_people["officer"]
    seen = page_text(app, officer, f"/cases/{case_id}")
    assert shows_visitors(seen) and MASK not in seen
    review = CaseDriver(services, case_id).task("review")
    assert shows_visitors(page_text(app, officer, f"/tasks/{review.id}"))  # the report shown beside the review
    assert shows_visitors(dumped(api_case(app, officer, case_id)))
    assert shows_visitors(_csv(app, officer, case_id))
    views = _views(services)
    assert [(v.username, v.role, v.case_id, v.form, v.field, v.ground) for v in views] == [
        ("other_officer", "officer", case_id, "agreement_follow_up_report", "statistics_values", GROUND)] * 4
    assert [v.channel for v in views] == ["page", "page", "api", "export"]

    admin = page_text(app, "admin", "/admin/secret-views")
    assert "Redogörelse vid uppföljning: Statistik enligt överenskommelsen" in admin
    assert GROUND in admin and "other_officer" in admin
    logged_in(app, officer).get("/admin/secret-views", status=403)


def test_the_secret_figures_never_reach_the_organisation_by_mail(
        app: Flask, services: Services, shelter_people: dict[str, str], smtp: Any) -> None:
    services.settings.smtp_url = smtp.url
    case_id = shelter_report(services)
    steps.complete(services, case_id, "review", steps.APPROVE)
    to_shelter = [r for r in smtp.inbox.items if "karin@example.org" in r.recipients]
    assert to_shelter  # the approval (feedback) reached the organisation
    for received in to_shelter:
        assert not shows_visitors(received.message.get_content())
