"""State aid granted to an organisation (EU de minimis, migration 0036_state_aid).

One row per decision that granted support to an organisation with economic activity: the amount in SEK and,
at the rate of the decision date the officer confirmed, in euro cents; the regulation the aid was granted
under; the decision date (aid counts from the decision, not the payment). Rows of every municipality of the
installation are summed for the rolling three-year window (app/domain/state_aid/).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime

DE_MINIMIS = "de_minimis_2023_2831"
SGEI = "sgei_2023_2832"
REGULATIONS = (DE_MINIMIS, SGEI)


class StateAid(Base):
    __tablename__ = "state_aid"
    __table_args__ = (Index("ix_state_aid_organisation_decided", "organisation_id", "decided_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    task_name: Mapped[str] = mapped_column(String(120), default="")  # the decision step's BPMN id
    decided_on: Mapped[date] = mapped_column(Date)  # the decision date (Stockholm), from which the aid counts
    amount_sek: Mapped[int] = mapped_column(BigInteger)
    eur_rate: Mapped[str] = mapped_column(String(20))  # SEK per EUR on the decision date, as confirmed (exact)
    amount_eur_cents: Mapped[int] = mapped_column(BigInteger)
    regulation: Mapped[str] = mapped_column(String(40))  # DE_MINIMIS or SGEI
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_name: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
