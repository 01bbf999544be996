"""Scheduler heartbeats: each scheduler process writes when it swept, so any web process can report on it.

``Heartbeat.register`` writes the process's row when its scheduler starts; ``sweep_started`` and
``sweep_finished`` update it around every sweep (two small UPDATEs per sweep, every 30 seconds). A failure to
write a heartbeat is logged and never stops a sweep. ``scheduler_state`` is what /health and /metrics read.
Times are wall-clock UTC, also under IOP_CLOCK=manual.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.models.scheduler_heartbeat import SchedulerHeartbeat
from app.services import Services

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=120)  # four missed 30-second sweeps: the scheduler is taken for gone
FORGET_AFTER = timedelta(days=7)  # rows of processes silent this long are removed


def wall_now() -> datetime:
    return datetime.now(UTC)


class Heartbeat:
    """The heartbeat row of this process's scheduler."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.row_id: int | None = None
        self._lock = threading.Lock()

    def register(self) -> None:
        now = wall_now()
        try:
            with self.services.unit_of_work() as session:
                session.execute(delete(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at < now - FORGET_AFTER))
                row = SchedulerHeartbeat(host=socket.gethostname()[:255], pid=os.getpid(), started_at=now,
                                         beat_at=now, fired=0, fired_total=0, sweeps=0)
                session.add(row)
                session.flush()
                self.row_id = row.id
        except Exception:  # noqa: BLE001 - the scheduler runs without a heartbeat rather than not at all
            log.exception("could not record the scheduler's heartbeat")

    def sweep_started(self) -> datetime:
        now = wall_now()
        self._write(beat_at=now, sweep_started_at=now)
        return now

    def sweep_finished(self, started: datetime, fired: int, error: str | None = None) -> None:
        now = wall_now()
        self._write(beat_at=now, sweep_finished_at=now, sweep_seconds=(now - started).total_seconds(), fired=fired,
                    fired_total=SchedulerHeartbeat.fired_total + fired, sweeps=SchedulerHeartbeat.sweeps + 1,
                    error=error[:2000] if error else None)

    def _write(self, **values: Any) -> None:
        if self.row_id is None:
            self.register()
            if self.row_id is None:
                return
        try:
            with self._lock, self.services.unit_of_work() as session:
                session.execute(update(SchedulerHeartbeat).where(SchedulerHeartbeat.id == self.row_id).values(**values)
                                .execution_options(synchronize_session=False))
        except Exception:  # noqa: BLE001 - a heartbeat must never stop the sweep
            log.warning("could not record the scheduler's heartbeat", exc_info=True)


@dataclass
class SchedulerState:
    status: str  # ok, stale (no sign of life for STALE_AFTER) or absent (no scheduler ever recorded)
    processes: int  # scheduler processes alive (a sign of life within STALE_AFTER)
    last_beat_at: datetime | None
    last_sweep_finished_at: datetime | None
    last_sweep_seconds: float | None
    last_fired: int | None
    last_error: str | None
    rows: list[SchedulerHeartbeat]

    def public(self, now: datetime) -> dict[str, Any]:
        """What /health shows: no host names, process ids or error texts (those are in /metrics and the log)."""
        return {
            "status": self.status,
            "processes": self.processes,
            "last_sweep_at": self.last_sweep_finished_at.isoformat() if self.last_sweep_finished_at else None,
            "seconds_since_last_sweep": round((now - self.last_sweep_finished_at).total_seconds(), 3)
            if self.last_sweep_finished_at else None,
            "last_sweep_seconds": round(self.last_sweep_seconds, 4) if self.last_sweep_seconds is not None else None,
            "last_fired": self.last_fired,
            "last_sweep_failed": self.last_error is not None,
        }


def scheduler_state(session: Session, now: datetime | None = None) -> SchedulerState:
    now = now or wall_now()
    rows = list(session.scalars(select(SchedulerHeartbeat).order_by(SchedulerHeartbeat.beat_at.desc()).limit(50)))
    alive = [r for r in rows if r.beat_at >= now - STALE_AFTER]
    finished = [r for r in rows if r.sweep_finished_at is not None]
    latest = max(finished, key=lambda r: r.sweep_finished_at or now) if finished else None
    return SchedulerState(
        status="ok" if alive else ("stale" if rows else "absent"),
        processes=len(alive),
        last_beat_at=rows[0].beat_at if rows else None,
        last_sweep_finished_at=latest.sweep_finished_at if latest else None,
        last_sweep_seconds=latest.sweep_seconds if latest else None,
        last_fired=latest.fired if latest else None,
        last_error=latest.error if latest else None,
        rows=rows,
    )
