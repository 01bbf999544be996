"""Decisions taken under delegation and their report to the committee (migration 0031_delegated_decisions).

A municipality's delegation order names, per decision step of its processes, the item under which an official
decides on the committee's behalf (`DelegationItem`). When such a step is completed, `DelegatedDecision`
records who decided, under which item and when (app/domain/delegation.py). Delegated decisions are reported
to the committee at a meeting: `DelegationReport` is one such report, and each decision it covers points to it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class DelegationItem(Base):
    """One item of a municipality's delegation order, for one decision step of one process."""

    __tablename__ = "delegation_items"
    __table_args__ = (UniqueConstraint("municipality_id", "process_id", "task_name",
                                       name="uq_delegation_items_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # the item's number in the delegation order, e.g. "4.2"
    title: Mapped[str] = mapped_column(String(300))  # what the item delegates, in the order's words
    delegate: Mapped[str] = mapped_column(String(200))  # to whom, e.g. "Förvaltningschef"
    committee: Mapped[str] = mapped_column(String(200))  # on whose behalf, and to whom it is reported
    process_id: Mapped[str] = mapped_column(String(120))
    task_name: Mapped[str] = mapped_column(String(120))  # the BPMN id of the decision step


class DelegationReport(Base):
    """Delegated decisions reported to the committee at one meeting."""

    __tablename__ = "delegation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    committee: Mapped[str] = mapped_column(String(200))
    meeting_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(120), default="")  # e.g. the minutes' paragraph
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_by_name: Mapped[str] = mapped_column(String(200), default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DelegatedDecision(Base):
    """A decision an official took under a delegation item; `report_id` once reported to the committee.

    The item's code and words are copied: the delegation order may change, the decision was taken under the
    item as it read then."""

    __tablename__ = "delegated_decisions"
    __table_args__ = (Index("ix_delegated_decisions_muni_report", "municipality_id", "report_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_name: Mapped[str] = mapped_column(String(120))
    step_title: Mapped[str] = mapped_column(String(300))
    item_code: Mapped[str] = mapped_column(String(40))
    item_title: Mapped[str] = mapped_column(String(300))
    delegate: Mapped[str] = mapped_column(String(200))
    committee: Mapped[str] = mapped_column(String(200))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text, default="")  # the decision as fed back to the organisation
    report_id: Mapped[int | None] = mapped_column(ForeignKey("delegation_reports.id"))
