"""One row per scheduler process: its last sweep, so that /health and /metrics of any web process see it.

The scheduler may run in another process or on another machine than the web processes (``iop scheduler``);
the database is what they share. Times here are wall-clock UTC (also under IOP_CLOCK=manual): they say when
the process last worked, not what the application's clock showed. Rows of processes that stopped long ago
are pruned by the next process that starts (app/observability/heartbeat.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.event import CaseEvent
from app.models.types import UTCDateTime

INCIDENT = text("kind = 'incident'")  # a literal, so that SQLite's planner can match the partial index below
# migration 0017: the incident events alone, counted by /metrics at every scrape (app/observability/metrics.py)
Index("ix_case_events_incidents", CaseEvent.case_id, sqlite_where=INCIDENT, postgresql_where=INCIDENT)


class SchedulerHeartbeat(Base):
    __tablename__ = "scheduler_heartbeats"
    __table_args__ = (UniqueConstraint("host", "pid", "started_at", name="uq_scheduler_heartbeats_process"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when the scheduler of this process started
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # last sign of life
    sweep_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sweep_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sweep_seconds: Mapped[float | None] = mapped_column(Float)  # duration of the last finished sweep
    fired: Mapped[int] = mapped_column(Integer, default=0)  # timers fired by the last finished sweep
    fired_total: Mapped[int] = mapped_column(Integer, default=0)  # since the process started
    sweeps: Mapped[int] = mapped_column(Integer, default=0)  # finished sweeps since the process started
    error: Mapped[str | None] = mapped_column(Text)  # the last sweep's failure, None when it went well
