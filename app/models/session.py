"""Server-side log-in sessions (pages and API tokens) and the record of log-in attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class LoginSession(Base):
    """One logged-in browser or one API token. The cookie or token carries a random secret; the row holds only
    its SHA-256, so a copy of the table does not let anyone in. Deleting the row ends the session."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex SHA-256 of the secret
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "web" or "api"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the absolute end
    address: Mapped[str] = mapped_column(String(64), default="")
    # the membership this session acts through (the switcher in the navigation); None: the home membership
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id", ondelete="SET NULL"))


class LoginAttempt(Base):
    """A log-in attempt: failures count towards throttling and are shown to administrators."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))  # "page", "api" or "password" (the change form)
    succeeded: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(40), default="")  # wrong_password, unknown_user, inactive, throttled
