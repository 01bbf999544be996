"""What a changed setting does (docs/architecture.md, "Municipal settings"): an agreement planned after the change
gets the new dates; a running agreement keeps the dates it was planned with."""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.core.errors import ScriptFailure
from app.core.municipal_settings import AgreementSettings
from app.domain import settings_admin
from app.domain.accounts import municipality_by_slug
from app.domain.agreements import state
from app.engine.step import StepContext
from app.models import Case
from app.services import Services
from handlers.agreements import check_plan
from tests.stenungsund import steps


def _dates(services: Services, case_id: int) -> tuple[date, date]:
    period = steps.agreement(services, case_id).periods[0]
    return period.renewal_dialogue_opens, period.renewal_decision_deadline


def test_a_new_agreement_follows_the_changed_setting_and_a_running_one_keeps_its_dates(services: Services,
                                                                                       people: object) -> None:
    before = steps.to_decision(services)  # 2026-01-01 .. 2030-12-31, dialogue 9 and deadline 3 months before the end
    assert _dates(services, before) == (date(2030, 3, 31), date(2030, 9, 30))

    with services.unit_of_work() as s:
        settings_admin.update_settings(s, services.clock, None, municipality_by_slug(s, "stenungsund"),
                                       {"renewal_dialogue_months_before_end": 6})
    after = steps.to_decision(services)
    assert _dates(services, after) == (date(2030, 6, 30), date(2030, 9, 30))
    assert _dates(services, before) == (date(2030, 3, 31), date(2030, 9, 30))  # the running agreement keeps them


def test_the_default_repayment_rule_applies_when_the_process_asks_for_none() -> None:
    terms = {"municipality": "gavle", "start": "2027-01-01", "years": 2, "yearly_amount_sek": 100000}
    chosen = AgreementSettings(default_repayment_rule="unspent_year")
    assert state.new_agreement(terms, chosen)["repayment_rule"] == "unspent_year"
    assert state.new_agreement(dict(terms, repayment_rule="none"), chosen)["repayment_rule"] == "none"
    assert state.new_agreement(terms, AgreementSettings())["repayment_rule"] == "pro_rata"
    with pytest.raises(ValueError, match="belongs to a municipality"):
        state.new_agreement(dict(terms, municipality=""), chosen)


def test_a_diagram_of_an_older_version_may_name_the_case_municipality_but_no_other(services: Services) -> None:
    """Versions deployed before issue 14 pass municipality="stenungsund"; it must agree with the case."""
    with services.session_factory() as s:
        stenungsund = StepContext(s, Case(municipality=municipality_by_slug(s, "stenungsund")), services.clock)
        falun = StepContext(s, Case(municipality=municipality_by_slug(s, "falun")), services.clock)
        assert json.loads(check_plan(stenungsund, {"municipality": "stenungsund", "years": 5, "parties": []}))["ok"]
        assert json.loads(check_plan(falun, {"years": 5, "parties": []}))["ok"]
        with pytest.raises(ScriptFailure, match="'stenungsund', but the case belongs to 'falun'"):
            check_plan(falun, {"municipality": "stenungsund", "years": 5, "parties": []})
