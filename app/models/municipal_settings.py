"""The stored settings of one municipality (typed columns; app/core/municipal_settings.py reads, validates and
writes them: `settings_of`, `configure`)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType


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
