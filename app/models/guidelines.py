"""The review of a municipality's IOP guidelines, once per electoral term (migration 0032_guideline_reviews).

One row per municipality and term (the general election's year), opened on the review day of the year after
the election (app/domain/guidelines.py) and completed by a process owner with the outcome and the decision."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class GuidelineReview(Base):
    __tablename__ = "guideline_reviews"
    __table_args__ = (UniqueConstraint("municipality_id", "election_year", name="uq_guideline_reviews_term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    election_year: Mapped[int] = mapped_column(Integer)  # the term begins with this year's general election
    due_on: Mapped[date] = mapped_column(Date)  # the review day the task was opened for
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))  # unchanged or revised, once completed
    decision_reference: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_by_name: Mapped[str] = mapped_column(String(200), default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
