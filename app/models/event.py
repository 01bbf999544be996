"""The append-only history of a case.

The database refuses UPDATE and DELETE of its rows (triggers, migration 0026); each row is sealed to the one
before it of the same case by `hash` over `prev_hash` and its content (app.core.history_chain), written by
app.engine.history.append and checked by `iop records verify`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, UTCDateTime


class CaseEvent(Base):
    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at", "id"),  # migration 0015_query_indexes
                      # migration 0016_inbox_indexes: "Avslutade av mig", newest first (app.queries.inbox)
                      Index("ix_case_events_actor_kind", "actor_id", "kind", "id"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(40))
    task_name: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # the case's previous entry's hash ("" for the first)
    hash: Mapped[str | None] = mapped_column(String(64))
