"""Projections of the agreement cycle for queries outside the workflow.

The workflow (processes/stenungsund_agreement.bpmn) drives; these rows are
rebuilt from the agreement state on every save (app/domain/agreements/projection.py)
and never moved backwards, so finance can list held payments and officers can
list upcoming renewals without loading any workflow.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.enums import AgreementStatus, ClaimStatus, FollowUpStatus, PaymentStatus
from app.models.types import JSONType, StrEnumColumn, UTCDateTime


class Agreement(Base):
    __tablename__ = "agreements"
    __table_args__ = (Index("ix_agreements_scope", "id", "status", "municipality_id", "current_version"),  # 0015
                      Index("ix_agreements_municipality_status", "municipality_id", "status", "id",
                            "current_version"))  # 0024

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    status: Mapped[AgreementStatus] = mapped_column(StrEnumColumn(AgreementStatus))
    current_version: Mapped[int] = mapped_column(Integer)
    parties: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    statistics: Mapped[list[str]] = mapped_column(JSONType, default=list)
    repayment_rule: Mapped[str] = mapped_column(String(20))
    notices: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # the whole agreement state the handlers work on (app/domain/agreements/store.py); migration 0023 moved
    # the state of version 1 agreements here out of their workflows
    state: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    periods: Mapped[list[AgreementPeriod]] = relationship(
        cascade="all, delete-orphan", order_by="AgreementPeriod.version")
    payments: Mapped[list[AgreementPayment]] = relationship(
        cascade="all, delete-orphan", order_by="AgreementPayment.id")
    follow_ups: Mapped[list[AgreementFollowUp]] = relationship(
        cascade="all, delete-orphan", order_by="AgreementFollowUp.id")
    claim: Mapped[RepaymentClaim | None] = relationship(cascade="all, delete-orphan", uselist=False)


class AgreementPeriod(Base):
    __tablename__ = "agreement_periods"
    __table_args__ = (UniqueConstraint("agreement_id", "version"),
                      Index("ix_agreement_periods_deadline", "renewal_decision_deadline"))  # migration 0015

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    years: Mapped[int] = mapped_column(Integer)
    yearly_amount_sek: Mapped[int] = mapped_column(Integer)
    total_sek: Mapped[int] = mapped_column(Integer)
    payment_interval: Mapped[str] = mapped_column(String(20))
    decision_ref: Mapped[str] = mapped_column(String(100), default="")
    renewal_dialogue_opens: Mapped[date] = mapped_column(Date, index=True)
    renewal_decision_deadline: Mapped[date] = mapped_column(Date)


class AgreementPayment(Base):
    __tablename__ = "agreement_payments"
    __table_args__ = (UniqueConstraint("agreement_id", "version", "number"),
                      Index("ix_agreement_payments_status_due", "status", "due"),
                      Index("ix_agreement_payments_money", "agreement_id", "status", "due", "amount_sek"),  # 0018
                      Index("ix_agreement_payments_open_due", "status", "due", "agreement_id"),  # 0018
                      Index("ix_agreement_payments_municipality_money", "municipality_id", "status", "due",
                            "amount_sek"))  # 0020

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    # the agreement's municipality (it never changes), copied so the overview's sums need no join (0020)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    version: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    due: Mapped[date] = mapped_column(Date)
    amount_sek: Mapped[int] = mapped_column(Integer)
    status: Mapped[PaymentStatus] = mapped_column(StrEnumColumn(PaymentStatus))
    gate: Mapped[str | None] = mapped_column(String(20))
    held_on: Mapped[date | None] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100), default="")


class AgreementFollowUp(Base):
    __tablename__ = "agreement_follow_ups"
    __table_args__ = (UniqueConstraint("agreement_id", "version", "year"),
                      Index("ix_agreement_follow_ups_status_due", "status", "due"),  # migration 0015
                      Index("ix_agreement_follow_ups_open_due", "status", "due", "agreement_id"))  # 0018

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    opens: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    gates: Mapped[date] = mapped_column(Date)
    status: Mapped[FollowUpStatus] = mapped_column(StrEnumColumn(FollowUpStatus))
    rounds: Mapped[int] = mapped_column(Integer, default=0)


class RepaymentClaim(Base):
    __tablename__ = "repayment_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), unique=True)
    terminated_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(2000), default="")
    rule: Mapped[str] = mapped_column(String(20))
    amount_sek: Mapped[int] = mapped_column(Integer)
    settled_sek: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ClaimStatus] = mapped_column(StrEnumColumn(ClaimStatus))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
