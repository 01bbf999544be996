"""A case moved to another version of its process, with what is needed to move it back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.case import Case
from app.models.enums import MigrationStatus
from app.models.types import JSONType, StrEnumColumn, UTCDateTime


class CaseMigration(Base):
    __tablename__ = "case_migrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    to_definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"), index=True)
    from_version: Mapped[int] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[MigrationStatus] = mapped_column(StrEnumColumn(MigrationStatus))
    # the case's document before the migration, and a digest of the one the migration wrote
    previous_workflow_json: Mapped[str] = mapped_column(Text, deferred=True)
    previous_serializer_version: Mapped[str] = mapped_column(String(10))
    migrated_document_sha256: Mapped[str] = mapped_column(String(64))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    migrated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    migrated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    migrated_by_name: Mapped[str] = mapped_column(String(200), default="")
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reverted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reverted_by_name: Mapped[str | None] = mapped_column(String(200))


# Declared here with the migration that adds it (0004): running cases per definition version, and the
# candidates of a migration, are counted from this index alone.
Index("ix_cases_status_definition_municipality", Case.status, Case.definition_id, Case.municipality_id)
