"""A case: one organisation's matter with one municipality, driven by one workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.definition import DefinitionVersion
from app.models.enums import CaseStatus
from app.models.people import Municipality, Organisation
from app.models.types import JSONType, StrEnumColumn, UTCDateTime


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("municipality_id", "registration_number"),
                      # migration 0015_query_indexes: the case list, the overview (bench/staff_bench.py)
                      # (0043_case_search_text: search_text in place of title, so the free-text search reads them)
                      Index("ix_cases_muni_created", "municipality_id", "created_at", "id", "status", "definition_id",
                            "organisation_id", "registration_number", "search_text"),
                      Index("ix_cases_created", "created_at", "id", "municipality_id", "status", "definition_id",
                            "organisation_id", "registration_number", "search_text"),
                      Index("ix_cases_muni_status_created", "municipality_id", "status", "created_at", "id"),
                      Index("ix_cases_status_step", "status", "municipality_id", "definition_id", "current_step"),
                      Index("ix_cases_status_updated", "status", "updated_at", "id"),
                      Index("ix_cases_muni_updated", "municipality_id", "updated_at", "id"),
                      # migration 0019_inbox_search: the inbox search by registration number (app.queries.inbox)
                      Index("ix_cases_id_registration", "id", "registration_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"), index=True)
    registration_number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300), default="")
    # the registration number and title case-folded in Python (app.core.search.case_search_text), what the case
    # list's free-text search matches (migration 0043): written with them by app.engine.runtime when a case starts
    search_text: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[CaseStatus] = mapped_column(StrEnumColumn(CaseStatus), index=True)
    outcome: Mapped[str | None] = mapped_column(String(40))
    current_step: Mapped[str] = mapped_column(String(300), default="")
    feedback: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    workflow_json: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(10))
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    definition: Mapped[DefinitionVersion] = relationship(lazy="select")


class RegistrationCounter(Base):
    """Last registration number used per municipality and year."""

    __tablename__ = "registration_counters"

    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
