"""The overview's calendar and money as last computed for one scope (app/queries/overview_figures.py).

One row per scope: "all" (every municipality) or "municipality:<id>". The scheduler computes them in the
background (app/jobs/overview_refresh.py) so that no page request has to; a web process that finds a row
missing or too old computes it and writes it here, where every web process reads it. `computed_at` is the
application's clock (IOP_CLOCK), `day` the local date the calendar's twelve months start from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.types import JSONType, UTCDateTime


class OverviewFigures(Base):
    __tablename__ = "overview_figures"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seconds: Mapped[float] = mapped_column(Float, default=0.0)  # how long computing them took
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType)
