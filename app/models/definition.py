"""Process definitions, versioned by content, owned by a municipality."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, UTCDateTime


class DefinitionVersion(Base):
    """One deployed version of a process: its files, and the parsed spec serialized once."""

    __tablename__ = "definition_versions"
    __table_args__ = (
        UniqueConstraint("process_id", "content_hash"),
        UniqueConstraint("process_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, str]] = mapped_column(JSONType)
    spec_json: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The municipality whose process this is (the same on every version of a process): only its process
    # owners (and administrators) deploy, edit and migrate it. None: no municipality owns it, administrators
    # only. How the owner is chosen: app/engine/ownership.py.
    owner_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
