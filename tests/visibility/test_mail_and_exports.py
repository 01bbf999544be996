"""Mail and exports obey the same rules as the pages: the organisation's mail and CSV files never carry the
lawyer's reasoning before the case closes; the case list's CSV carries no form values at all."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.driving.case_driver import CaseDriver
from app.models import User
from app.services import Services
from tests import falun_steps
from tests.notifications.conftest import SmtpServer
from tests.visibility.conftest import LEGAL_OK, LEGAL_WRONG, REASONING, falun_case, logged_in, token_headers


def _org_mail(smtp: SmtpServer) -> list[str]:
    return [r.message.get_content() for r in smtp.inbox.items if "org_a@example.org" in r.recipients]


def test_the_organisations_mail_carries_the_reasoning_only_when_the_diagram_sends_it(
        services: Services, people: dict[str, User], smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    running = falun_case(services, LEGAL_OK)
    CaseDriver(services, running).complete("department_decision", falun_steps.DEPT_YES)
    mail = _org_mail(smtp)  # the decision fed back reaches the organisation, the reasoning does not
    assert any(str(falun_steps.DEPT_YES["feedback_to_organisation"]) in body for body in mail)
    assert not any(REASONING in body for body in mail)

    falun_case(services, LEGAL_WRONG)  # ends at "Fel avtalsform", whose feedbackField is the reasoning
    assert any(REASONING in body for body in _org_mail(smtp))


def _csv(browser: Any, url: str) -> str:
    resp = browser.client.get(url)
    assert resp.status_code == 200, resp.status_code
    return str(resp.get_data(as_text=True))


def test_the_history_export_leaves_out_what_the_organisation_may_not_see(
        app: Flask, services: Services, people: dict[str, User]) -> None:
    case_id = falun_case(services, LEGAL_OK)
    org = _csv(logged_in(app, "org_a"), f"/cases/{case_id}/history.csv")
    assert falun_steps.INITIATIVE["activity_title"] in org and REASONING not in org
    assert org.startswith("\ufeffDatum;Tid;Vem;Händelse;Uppgifter")
    assert REASONING in _csv(logged_in(app, "lawyer"), f"/cases/{case_id}/history.csv")
    # another organisation's history is not found at all
    assert logged_in(app, "org_b").client.get(f"/cases/{case_id}/history.csv").status_code == 404


def test_the_case_list_csv_carries_no_form_values(app: Flask, services: Services, people: dict[str, User]) -> None:
    falun_case(services, LEGAL_OK)
    for who in ("org_a", "officer"):
        resp = app.test_client().get("/api/v1/cases?format=csv", headers=token_headers(app, who))
        assert resp.status_code == 200
        assert REASONING not in resp.get_data(as_text=True)
    staff = _csv(logged_in(app, "officer"), "/cases/export.csv")
    assert REASONING not in staff
