"""A municipality's settings: validated once (from config/ or, later, an administrator's form), stored in
municipality_settings, read back typed through settings_of."""

from __future__ import annotations

import pytest

from app.core.municipal_settings import AgreementSettings, MunicipalSettings, SettingsError, configure, settings_of
from app.domain.accounts import configured_settings, municipality_by_slug
from app.services import Services, prepare_database


@pytest.mark.parametrize(("values", "field"), [
    ({"default_payment_interval": "weekly"}, "default_payment_interval"),
    ({"max_agreement_years": 11}, "max_agreement_years"),
    ({"max_agreement_years": "5"}, "max_agreement_years"),
    ({"payment_overdue_days": 0}, "payment_overdue_days"),
    ({"late_renewal_decision": "ignore"}, "late_renewal_decision"),
    ({"renewal_dialogue_months_before_end": -1}, "renewal_dialogue_months_before_end"),
    ({"reminder_days_before_due": True}, "reminder_days_before_due"),
    ({"processes": "falun_initiative"}, "processes"),
])
def test_a_bad_setting_is_refused_naming_its_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(SettingsError) as refused:
        MunicipalSettings.from_mapping(values)
    assert refused.value.field == field


def test_defaults_and_the_round_trip_through_a_mapping() -> None:
    assert MunicipalSettings.from_mapping({}) == MunicipalSettings((), 2, AgreementSettings())
    made = MunicipalSettings.from_mapping({"processes": ["falun_initiative"], "reminder_days_before_due": 4,
                                           "payment_overdue_days": 20, "unknown": "ignored"})
    assert MunicipalSettings.from_mapping(made.to_mapping()) == made


def test_the_config_files_are_stored_and_read_back_typed(services: Services) -> None:
    with services.unit_of_work() as s:
        falun = settings_of(municipality_by_slug(s, "falun"))
        assert falun.processes == ("falun_initiative",) and falun.agreement == AgreementSettings()
        changed = MunicipalSettings.from_mapping(dict(falun.to_mapping(), payment_overdue_days=30))
        configure(municipality_by_slug(s, "falun"), changed)
    with services.unit_of_work() as s:
        assert settings_of(municipality_by_slug(s, "falun")).agreement.payment_overdue_days == 30


def test_preparing_the_database_again_keeps_stored_settings(services: Services) -> None:
    """config/ gives a municipality its first settings; from then on the stored row is kept at every start,
    and a municipality without a row gets config/'s values."""
    with services.unit_of_work() as s:
        falun = municipality_by_slug(s, "falun")
        configure(falun, MunicipalSettings.from_mapping(dict(settings_of(falun).to_mapping(), payment_overdue_days=30)))
        gavle = municipality_by_slug(s, "gavle")
        assert gavle.settings_row is not None
        gavle.settings_row = None  # the row is deleted (delete-orphan)
    with services.unit_of_work() as s:
        assert municipality_by_slug(s, "gavle").settings_row is None
    prepare_database(services)
    with services.unit_of_work() as s:
        assert settings_of(municipality_by_slug(s, "falun")).agreement.payment_overdue_days == 30
        gavle_settings = settings_of(municipality_by_slug(s, "gavle"))
    assert gavle_settings == configured_settings(services.settings.config_path / "municipalities", "gavle")
    assert gavle_settings.agreement.renewal_dialogue_months_before_end == 9
