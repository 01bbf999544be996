"""Identities at an OpenID Connect provider, each linked to one user (log-in with the municipality's account)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime


class ExternalIdentity(Base):
    """The provider's `iss` and `sub` name one person for good (an e-mail address or user name may change);
    the pair leads to the user it was first seen with."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_external_identities_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # the claim value that gave the role at the last log-in (shown to administrators, useful when asked "why")
    matched_value: Mapped[str] = mapped_column(String(255), default="")
    # set when a log-in found no mapping any more and the user was deactivated for it; a later log-in that maps
    # again re-activates the user (a user deactivated by an administrator, with this empty, stays out)
    access_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
