"""Municipalities, organisations and the people who log in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.enums import Role
from app.models.municipal_settings import MunicipalitySettingsRow
from app.models.types import StrEnumColumn, UTCDateTime


class Municipality(Base):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    registration_format: Mapped[str] = mapped_column(String(80), default="KS {year}/{seq:04d}")
    # its settings (migration 0022 moved them from a JSON column of this table): read and write them typed
    # through app.core.municipal_settings (`settings_of`, `configure`)
    settings_row: Mapped[MunicipalitySettingsRow | None] = relationship(cascade="all, delete-orphan",
                                                                         passive_deletes=True)

class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # the name case-folded in Python (app.core.search.folded), what the searches match (migration 0043):
    # written with the name by app.domain.accounts.add_organisation
    search_name: Mapped[str] = mapped_column(String(200), default="")
    org_number: Mapped[str] = mapped_column(String(11), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # the municipality whose staff registered it (None: an administrator of the installation, or older rows)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(StrEnumColumn(Role), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="sv")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def has_password(self) -> bool:
        """False for people who log in only through the municipality's identity provider (no Argon2 hash)."""
        return self.password_hash.startswith("$argon2")


class Membership(Base):
    """A role a person holds in a municipality. A person may hold roles in several municipalities (a shared
    service run by a group of municipalities); each request acts through one of them, the active membership
    (app.domain.memberships). The user's own `role` and `municipality_id` columns are the home membership,
    which is also a row here for every municipal user; organisation users and administrators of the whole
    installation have no rows."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "municipality_id", "role", name="uq_memberships_triple"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    role: Mapped[Role] = mapped_column(StrEnumColumn(Role))

    municipality: Mapped[Municipality] = relationship(lazy="joined")
