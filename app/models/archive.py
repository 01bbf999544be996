"""Archive packages written for cases, and disposal decisions (migration 0030_disposal_decisions).

`ArchiveExport` records each package `iop archive export` wrote: when, where, the SHA-256 of its checksum
list (which names every file of the package with its own SHA-256) and the hash of the newest history entry it
holds, so that disposal can require a package that is complete up to the case's current history.
`DisposalDecision` is the recorded decision (who decided, under which reference, on which date) and
`DisposedCase` the tombstone each disposed case leaves: what it was, which package keeps it and what was
removed. Nothing here is ever deleted by the application.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.types import UTCDateTime


class ArchiveExport(Base):
    __tablename__ = "archive_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    path: Mapped[str] = mapped_column(Text)  # the package's folder as written (absolute)
    checksums_sha256: Mapped[str] = mapped_column(String(64))  # of the package's checksums.sha256
    history_head: Mapped[str] = mapped_column(String(64))  # the newest history entry's hash in the package
    history_entries: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)


class DisposalDecision(Base):
    __tablename__ = "disposal_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    decision_ref: Mapped[str] = mapped_column(String(200))  # e.g. a delegation item or board decision number
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    cases: Mapped[list[DisposedCase]] = relationship(back_populates="decision", order_by="DisposedCase.id")


class DisposedCase(Base):
    """The tombstone of one disposed case: what it was, which package keeps it, what was removed."""

    __tablename__ = "disposed_cases"
    __table_args__ = (UniqueConstraint("case_id", name="uq_disposed_cases_case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("disposal_decisions.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    registration_number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    closed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    export_id: Mapped[int] = mapped_column(ForeignKey("archive_exports.id"))
    documents_removed: Mapped[int] = mapped_column(Integer)
    disposed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    decision: Mapped[DisposalDecision] = relationship(back_populates="cases")
