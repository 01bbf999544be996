"""Projection of the ready human tasks of every case, rebuilt on each save."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.enums import Role
from app.models.types import JSONType, StrEnumColumn, UTCDateTime


class OpenTask(Base):
    __tablename__ = "open_tasks"
    __table_args__ = (Index("ix_open_tasks_role_muni", "role", "municipality_id"),
                      # migration 0015_query_indexes: the case list's filters on open tasks
                      Index("ix_open_tasks_muni_name_title", "municipality_id", "name", "title", "case_id"),
                      Index("ix_open_tasks_muni_role_assignee", "municipality_id", "role", "assignee_id", "case_id"),
                      Index("ix_open_tasks_muni_due_role", "municipality_id", "due_at", "role", "case_id"),
                      # migration 0016_inbox_indexes: the inbox's scope and every sort key (app.queries.inbox)
                      Index("ix_open_tasks_inbox", "role", "municipality_id", "assignee_id", "due_at", "created_at",
                            "id", "title"),
                      # migration 0019_inbox_search: the inbox search reads every searched column from the index
                      # (0025_task_search_text: the folded title and registration number)
                      Index("ix_open_tasks_inbox_search", "role", "municipality_id", "assignee_id", "search_text",
                            "organisation_id", "case_id", "due_at", "created_at", "id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the SpiffWorkflow task UUID
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # the case's (it never changes), copied so the inbox search reads open_tasks alone (0021)
    registration_number: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    # title and registration number case-folded (app/core/search.py): what the inbox search matches (0025)
    search_text: Mapped[str] = mapped_column(String(400), default="")
    role: Mapped[Role] = mapped_column(StrEnumColumn(Role))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    form: Mapped[str | None] = mapped_column(String(200))
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
