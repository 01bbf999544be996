"""The municipality's cap on the support per agreement and year (`max_yearly_support_sek`, 0: no cap): set by
its administrator, checked with the plan before the decision in Stenungsund's and Gävle's process (check_plan)
and in Kungsbacka's joint budget (check_budget)."""

from __future__ import annotations

import json
from typing import Any

from app.core.municipal_settings import AgreementSettings, support_cap_problem
from app.domain import settings_admin
from app.domain.accounts import municipality_by_slug
from app.driving.case_driver import set_clock
from app.engine.step import StepContext
from app.models import Case
from app.services import Services
from handlers.agreements import check_plan
from handlers.kungsbacka import check_budget
from tests.kungsbacka import steps as kb
from tests.settings.test_settings_api import _put
from tests.stenungsund import steps


def _cap(services: Services, slug: str, cap: int) -> None:
    with services.unit_of_work() as s:
        settings_admin.update_settings(s, services.clock, None, municipality_by_slug(s, slug),
                                       {"max_yearly_support_sek": cap})


def test_no_cap_by_default_and_the_cap_names_both_amounts() -> None:
    assert support_cap_problem(5_000_000, AgreementSettings()) is None
    capped = AgreementSettings(max_yearly_support_sek=300_000)
    assert support_cap_problem(300_000, capped) is None
    assert support_cap_problem(None, capped) is None
    assert support_cap_problem(300_001, capped) == ("Stödet per år är högst 300\u00a0000 kr i kommunens "
                                                    "inställningar; planen anger 300\u00a0001 kr.")


def test_a_plan_above_the_cap_goes_back_to_the_economic_plan(services: Services, people: Any) -> None:
    _cap(services, "stenungsund", 300_000)
    set_clock(services, steps.midnight("2025-11-20"))
    case_id = steps.start(services)
    for name, data in (("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE),
                       ("economic_plan", steps.PLAN)):  # 400 000 kr a year
        steps.complete(services, case_id, name, data)
    assert steps.names(services, case_id) == ["economic_plan"]
    steps.complete(services, case_id, "economic_plan", dict(steps.PLAN, yearly_support_sek=300_000))
    assert steps.names(services, case_id) == ["documents"]


def test_the_handlers_read_the_cases_municipality(services: Services) -> None:
    _cap(services, "stenungsund", 250_000)
    _cap(services, "kungsbacka", 250_000)
    with services.session_factory() as s:
        stenungsund = StepContext(s, Case(municipality=municipality_by_slug(s, "stenungsund")), services.clock)
        falun = StepContext(s, Case(municipality=municipality_by_slug(s, "falun")), services.clock)
        kungsbacka = StepContext(s, Case(municipality=municipality_by_slug(s, "kungsbacka")), services.clock)
        plan = {"years": 3, "parties": [], "yearly_support_sek": 400_000}
        refused = json.loads(check_plan(stenungsund, plan))
        assert not refused["ok"] and "högst 250\u00a0000 kr" in refused["message"]
        assert json.loads(check_plan(falun, plan))["ok"]  # Falun set no cap
        budget = json.loads(check_budget(kungsbacka, dict(kb.BUDGET, organisation_name="Föreningen Gemenskap")))
        assert not budget["ok"] and "planen anger 300\u00a0000 kr" in budget["message"]


def _patch(api: Any, username: str, body: Any) -> Any:
    return _put(api, username, body, method="patch")


def test_the_cap_is_validated_and_recorded(services: Services, api: Any, admins: None) -> None:
    admin = api("st_admin")
    bad = _patch(api, "st_admin", {"max_yearly_support_sek": -1})
    assert bad.status_code == 422 and "max_yearly_support_sek" in bad.get_json()["error"]["fields"]
    ok = _patch(api, "st_admin", {"max_yearly_support_sek": 500_000})
    assert ok.status_code == 200, ok.get_json()
    body = admin.get("/api/v1/municipalities/stenungsund/settings").get_json()
    assert body["settings"]["max_yearly_support_sek"] == 500_000
    assert any(c["field"] == "max_yearly_support_sek" and c["new"] == 500_000 for c in body["changes"])
