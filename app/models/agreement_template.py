"""Agreement document templates, versioned per municipality like process definitions (migration 0033).

The text is the template format of app/domain/agreement_document/template_text.py. Versions come from
processes/templates/<slug>_agreement.txt when the database is prepared (only a text not deployed before
makes a version) and from the process owner's editor in the admin pages; the newest version is used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class AgreementTemplate(Base):
    __tablename__ = "agreement_templates"
    __table_args__ = (UniqueConstraint("municipality_id", "version"),
                      UniqueConstraint("municipality_id", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200), default="")  # the file it came from, or "" from the editor
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
