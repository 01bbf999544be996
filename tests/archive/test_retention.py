"""Retention: a municipality's rule per process makes finished cases due for disposal on exact days, counted
from the Stockholm day each closed; a process without a rule is kept forever. `iop archive retention` sets
and validates the rules. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.municipal_settings import MunicipalSettings, RetentionSettings, SettingsError, settings_of
from app.domain.accounts import municipality_by_slug
from app.domain.archive.retention import due_cases
from app.models import User
from app.services import Services
from tests import falun_steps
from tests.archive.helpers import falun_case, iop

WRONG_FORM = [("checklist", "org_a", falun_steps.CHECKLIST), ("initiative", "org_a", falun_steps.INITIATIVE),
              ("legal_assessment", "lawyer", falun_steps.LEGAL_WRONG)]


def _due(services: Services, day: str) -> list[int]:
    with services.unit_of_work() as s:
        return [r.case_id for r in due_cases(s, municipality_by_slug(s, "falun"), date.fromisoformat(day))]


def test_cases_fall_due_on_the_day_their_retention_ends_counted_in_stockholm(
        services: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    set_rule = iop(services, monkeypatch, "archive", "retention", "--municipality", "falun",
                   "--process", "falun_initiative", "--years", "2")
    assert set_rule.exit_code == 0, set_rule.output
    assert "falun_initiative\t2 years after closing" in set_rule.output
    # 23:30 in Stockholm on New Year's Eve (22:30 UTC): closed 2026-12-31
    late_evening = falun_case(services, WRONG_FORM, closing_at=datetime(2026, 12, 31, 22, 30, tzinfo=UTC))
    # 00:30 in Stockholm on New Year's Day (23:30 UTC the day before): closed 2027-01-01
    past_midnight = falun_case(services, WRONG_FORM, closing_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    leap_day = falun_case(services, WRONG_FORM, closing_at=datetime(2028, 2, 29, 9, 0, tzinfo=UTC))
    falun_case(services, WRONG_FORM[:2])  # still running: never due
    assert _due(services, "2028-12-30") == []
    assert _due(services, "2028-12-31") == [late_evening]
    assert _due(services, "2029-01-01") == [late_evening, past_midnight]
    assert _due(services, "2030-02-27") == [late_evening, past_midnight]
    assert _due(services, "2030-02-28") == [late_evening, past_midnight, leap_day]  # no 29 February in 2030
    listed = iop(services, monkeypatch, "archive", "due", "--municipality", "falun", "--on", "2029-01-01")
    assert listed.exit_code == 0, listed.output
    assert f"id {late_evening}\tfalun_initiative\tclosed 2026-12-31\t2 years\tdue 2028-12-31" in listed.output
    assert f"id {past_midnight}\tfalun_initiative\tclosed 2027-01-01\t2 years\tdue 2029-01-01" in listed.output
    assert "2 cases of falun due for disposal on 2029-01-01" in listed.output
    kept = iop(services, monkeypatch, "archive", "retention", "--municipality", "falun",
               "--process", "falun_initiative", "--keep-forever")
    assert "falun_initiative\tkept forever" in kept.output
    assert _due(services, "2099-01-01") == []


def test_without_a_rule_every_process_is_kept_forever(services: Services, people: dict[str, User]) -> None:
    falun_case(services, WRONG_FORM)
    assert _due(services, "2126-01-01") == []
    with services.unit_of_work() as s:
        assert settings_of(municipality_by_slug(s, "stenungsund")).retention.years_for("stenungsund_agreement") \
            is None


@pytest.mark.parametrize(("rules", "message"), [
    ({"falun_initiative": 0}, "between 1 and 100"),
    ({"falun_initiative": 101}, "between 1 and 100"),
    ({"falun_initiative": "5"}, "whole number"),
    ({"falun_initiative": True}, "whole number"),
    ({"": 5}, "keyed by process ids"),
    (["falun_initiative"], "map process ids"),
])
def test_retention_rules_are_validated(rules: object, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as raised:
        MunicipalSettings.from_mapping({"retention_years": rules})
    assert raised.value.field == "retention_years"
    assert RetentionSettings.from_mapping({"a": 5, "b": None}).to_mapping() == {"a": 5, "b": None}


def test_the_retention_command_refuses_bad_input(
        services: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    for args, message in [(("--process", "falun_initiative", "--years", "0"), "between 1 and 100"),
                          (("--process", "falun_initiative"), "either --years or --keep-forever"),
                          (("--years", "3"), "need --process")]:
        result = iop(services, monkeypatch, "archive", "retention", "--municipality", "falun", *args)
        assert result.exit_code == 2 and message in result.output, result.output
    shown = iop(services, monkeypatch, "archive", "retention", "--municipality", "falun")
    assert "falun_initiative\tkept forever" in shown.output
