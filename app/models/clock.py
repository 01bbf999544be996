"""The manual clock (IOP_CLOCK=manual) kept in the database, so that every process sees one time.

One row (id 1). Web workers and `iop scheduler` read it (app.core.clock.StoredClock); moving it is a
conditional UPDATE that only goes forward, so two processes moving it at once cannot set it back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import UTCDateTime

ROW_ID = 1


class StoredClockRow(Base):
    __tablename__ = "stored_clock"
    __table_args__ = (CheckConstraint("id = 1", name="ck_stored_clock_one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    now: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())  # wall time of the last move
