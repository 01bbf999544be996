"""A municipality's agreement settings, read from the database (app/core/municipal_settings.py types them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.municipal_settings import LATE_RENEWAL_CHOICES, AgreementSettings, settings_of
from app.models import Municipality

__all__ = ["LATE_RENEWAL_CHOICES", "AgreementSettings", "agreement_settings"]


def agreement_settings(session: Session, slug: str | None) -> AgreementSettings:
    """The municipality's agreement settings; the defaults when there is no slug or no such municipality."""
    if not slug:
        return AgreementSettings()
    with session.no_autoflush:
        municipality = session.scalar(select(Municipality).where(Municipality.slug == slug))
    return settings_of(municipality).agreement if municipality is not None else AgreementSettings()

