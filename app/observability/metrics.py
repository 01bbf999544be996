"""Prometheus metrics (prometheus_client), all named ``iop_*``.

Two kinds, served together by GET /metrics:
- read from the database at scrape time by ``DatabaseCollector``: cases by status, open and overdue tasks
  per role, timer lag, incidents, the mail outbox, the scheduler's heartbeats. Every web process answers
  the same figures (they share the database): aggregate them with max(), not sum().
- counted in this process (``PROCESS_REGISTRY``): HTTP requests and their duration, sweep durations, timers
  fired. Each web process counts its own; Prometheus tells them apart by the scrape target's ``instance``
  label, so sum() over instances gives the whole. A separate ``iop scheduler`` process serves no HTTP: its
  sweeps are seen through the heartbeat metrics (``iop_scheduler_*``) instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select

from app.core.statuses import CaseStatus
from app.models import Case, CaseEvent, Municipality, Notification, OpenTask
from app.models.scheduler_heartbeat import INCIDENT
from app.notifications.outbox import MAX_ATTEMPTS
from app.observability.heartbeat import STALE_AFTER, scheduler_state, wall_now
from app.services import Services

log = logging.getLogger(__name__)
disable_created_metrics()  # no *_created sample beside every counter and histogram: half the text, no loss

PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)
HTTP_REQUESTS = Counter("iop_http_requests", "HTTP requests answered by this process, by endpoint and status",
                        ["method", "endpoint", "status"], registry=PROCESS_REGISTRY)
HTTP_DURATION = Histogram("iop_http_request_duration_seconds", "Server time of HTTP requests in this process",
                          ["endpoint"], registry=PROCESS_REGISTRY,
                          buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0))
SWEEP_DURATION = Histogram("iop_timer_sweep_duration_seconds", "Duration of the timer sweeps run in this process",
                           registry=PROCESS_REGISTRY, buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0))
TIMERS_FIRED = Counter("iop_timers_fired", "Timer firings committed by the sweeps of this process",
                       registry=PROCESS_REGISTRY)


class _ProcessCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from PROCESS_REGISTRY.collect()


class DatabaseCollector(Collector):
    """Figures read from the database at each scrape (a handful of indexed aggregate queries)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("iop_database_up", "1 when the database answered this scrape's queries, else 0")
        try:
            metrics = list(self._read())
        except Exception:  # noqa: BLE001 - a scrape reports the database as down rather than failing
            log.warning("metrics: the database could not be read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from metrics

    def _read(self) -> Iterator[Metric]:
        now = self.services.clock.now()
        with self.services.session_factory() as session:
            cases = GaugeMetricFamily("iop_cases", "Cases by status and municipality",
                                      labels=["status", "municipality"])
            slugs = {row[0]: row[1] for row in session.execute(select(Municipality.id, Municipality.slug))}
            grouped = select(Case.status, Case.municipality_id, func.count()).group_by(Case.municipality_id,
                                                                                        Case.status)
            for status, muni_id, count in session.execute(grouped):  # on an index; named afterwards
                cases.add_metric([status, slugs.get(muni_id, str(muni_id))], count)
            yield cases

            open_tasks = GaugeMetricFamily("iop_open_tasks", "Open tasks by role", labels=["role"])
            overdue = GaugeMetricFamily("iop_overdue_tasks", "Open tasks past their due time, by role",
                                        labels=["role"])
            late = func.sum(case((OpenTask.due_at < now, 1), else_=0))
            for role, count, overdue_count in session.execute(
                    select(OpenTask.role, func.count(), late).group_by(OpenTask.role)):
                open_tasks.add_metric([role], count)
                overdue.add_metric([role], int(overdue_count or 0))
            yield open_tasks
            yield overdue

            earliest = session.scalar(select(func.min(Case.next_timer_at))
                                      .where((Case.status + "") == CaseStatus.RUNNING, Case.next_timer_at <= now))
            lag = GaugeMetricFamily("iop_timer_lag_seconds",
                                    "How long the earliest due timer of a running case has waited (0: none waits)")
            lag.add_metric([], max(0.0, (now - earliest).total_seconds()) if earliest else 0.0)
            yield lag

            incidents = GaugeMetricFamily("iop_incident_events", "Incident events in the case histories (ever)")
            incidents.add_metric([], session.scalar(select(func.count(CaseEvent.case_id)).where(INCIDENT)) or 0)
            yield incidents

            outbox = GaugeMetricFamily("iop_mail_outbox", "Unsent mail: pending (will be tried) or failed (given up)",
                                       labels=["state"])
            left = Notification.attempts < MAX_ATTEMPTS
            pending, failed = session.execute(
                select(func.sum(case((left, 1), else_=0)), func.sum(case((left, 0), else_=1)))
                .where(Notification.sent_at.is_(None))).one()
            pending, failed = int(pending or 0), int(failed or 0)
            outbox.add_metric(["pending"], pending)
            outbox.add_metric(["failed"], failed)
            yield outbox

            wall = wall_now()
            state = scheduler_state(session, wall)
            yield _gauge("iop_scheduler_processes", "Scheduler processes with a heartbeat in the last two minutes",
                         state.processes)
            if state.last_beat_at is not None:
                yield _gauge("iop_scheduler_heartbeat_age_seconds", "Seconds since any scheduler's last sign of life",
                             (wall - state.last_beat_at).total_seconds())
            if state.last_sweep_finished_at is not None:
                yield _gauge("iop_scheduler_last_sweep_age_seconds", "Seconds since the last finished timer sweep",
                             (wall - state.last_sweep_finished_at).total_seconds())
                yield _gauge("iop_scheduler_last_sweep_duration_seconds", "Duration of the last finished timer sweep",
                             state.last_sweep_seconds or 0.0)
                yield _gauge("iop_scheduler_last_sweep_failed", "1 when the last finished sweep failed",
                             1 if state.last_error else 0)
            fired = GaugeMetricFamily("iop_scheduler_timers_fired",
                                      "Timers fired by each live scheduler process since it started",
                                      labels=["host", "pid"])
            for row in state.rows:
                if row.beat_at >= wall - STALE_AFTER:
                    fired.add_metric([row.host, str(row.pid)], row.fired_total)
            yield fired


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation)
    gauge.add_metric([], value)
    return gauge


def render(services: Services) -> bytes:
    """The Prometheus text of this process's counters and the database's figures."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ProcessCollector())
    registry.register(DatabaseCollector(services))
    return generate_latest(registry)


def observe_sweep(seconds: float, fired: int) -> None:
    SWEEP_DURATION.observe(seconds)
    TIMERS_FIRED.inc(fired)


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, endpoint, str(status)).inc()
    HTTP_DURATION.labels(endpoint).observe(seconds)
