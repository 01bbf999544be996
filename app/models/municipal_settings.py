"""The stored settings of one municipality (typed columns; app/core/municipal_settings.py reads, validates and
writes them: `settings_of`, `configure`) and the record of every change an administrator made to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, UTCDateTime


class MunicipalitySettingsRow(Base):
    """Migration 0022_municipality_settings; one row per municipality (app.core.municipal_settings.configure)."""

    __tablename__ = "municipality_settings"

    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"),
                                                 primary_key=True)
    processes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reminder_days_before_due: Mapped[int] = mapped_column(Integer)
    renewal_dialogue_months_before_end: Mapped[int] = mapped_column(Integer)
    renewal_deadline_months_before_end: Mapped[int] = mapped_column(Integer)
    max_agreement_years: Mapped[int] = mapped_column(Integer)
    default_payment_interval: Mapped[str] = mapped_column(String(20))
    follow_up_opens_months_before_anniversary: Mapped[int] = mapped_column(Integer)
    follow_up_due_months_before_anniversary: Mapped[int] = mapped_column(Integer)
    payment_overdue_days: Mapped[int] = mapped_column(Integer)
    late_renewal_decision: Mapped[str] = mapped_column(String(10))
    # migration 0030_disposal_decisions: years after closing until a finished case of a process is due for
    # disposal, by process id; a process not named (or named with null) is kept forever
    retention_years: Mapped[dict[str, int | None]] = mapped_column(JSONType, default=dict)
    # migration 0032_guideline_reviews: the day (MM-DD) of the year after each general election when the process
    # owners are asked to review the IOP guidelines
    guidelines_review_on: Mapped[str] = mapped_column(String(5), default="03-01")
    # migration 0037_settings_changes: the repayment rule of an agreement whose process does not ask for one
    default_repayment_rule: Mapped[str] = mapped_column(String(20), default="pro_rata")
    # migration 0041_support_cap: the most granted per agreement and year, 0 for no cap
    max_yearly_support_sek: Mapped[int] = mapped_column(Integer, default=0)


class MunicipalitySettingsChange(Base):
    """Migration 0037_settings_changes: one setting changed by someone (app/domain/settings_admin.py records it):
    who, when, the value before and after (as the settings' mapping writes them)."""

    __tablename__ = "municipality_settings_changes"
    __table_args__ = (Index("ix_settings_changes_muni_at", "municipality_id", "changed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    changed_by_name: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
