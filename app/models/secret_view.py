"""Every view of a secret form value by a person the form names (app.domain.visibility): who, when, which case,
which form and field, and where (a page, the API). Administrators read the log at /admin/secret-views."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class SecretView(Base):
    __tablename__ = "secret_views"
    __table_args__ = (Index("ix_secret_views_case", "case_id", "at"),)  # migration 0035_secret_views

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column()  # the history entry whose value was shown
    form: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(120))
    ground: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))  # page, api
