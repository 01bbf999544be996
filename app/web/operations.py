"""GET /health (no log-in) and GET /metrics (Prometheus text; a bearer token when IOP_METRICS_TOKEN is set).

/health answers 200 while this web process can reach the database, and 503 naming ``database`` when it
cannot (a SELECT 1 that must answer within HEALTH_TIMEOUT seconds): that is what a load balancer should act
on. The scheduler (which may run in another process: its heartbeat is in the database) and the timer lag are
reported beside it; a missing or silent scheduler, or a timer waiting longer than LAG_LIMIT, makes the
status "degraded" with the part named under "problems", still 200, since this process can serve. No host
names, process ids, error texts or settings appear in the answer. docs/operations.md describes both.
"""

from __future__ import annotations

import hmac
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import func, select, text

from app.core.statuses import CaseStatus
from app.models import Case
from app.observability.heartbeat import scheduler_state, wall_now
from app.observability.metrics import render
from app.services import Services

bp = Blueprint("operations", __name__)
HEALTH_TIMEOUT = 3.0  # seconds the database has to answer /health
LAG_LIMIT = timedelta(minutes=5)  # a due timer waiting longer than this makes /health "degraded"
_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="iop-health")  # a hung database ties up two at most


def _services() -> Services:
    svc: Services = current_app.extensions["iop"]
    return svc


def _probe(services: Services) -> dict[str, Any]:
    """SELECT 1, then the scheduler's heartbeat and the earliest due timer (runs in a worker thread)."""
    with services.db.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL statement_timeout = {int(HEALTH_TIMEOUT * 1000)}"))
        conn.execute(text("SELECT 1"))
    result: dict[str, Any] = {}
    now = services.clock.now()
    wall = wall_now()
    with services.session_factory() as session:
        try:
            result["scheduler"] = scheduler_state(session, wall).public(wall)
        except Exception:  # noqa: BLE001 - e.g. a database not yet upgraded: say so, the database itself answered
            session.rollback()
            result["scheduler"] = {"status": "unknown"}
        earliest = session.scalar(select(func.min(Case.next_timer_at))
                                  .where((Case.status + "") == CaseStatus.RUNNING, Case.next_timer_at <= now))
    lag = (now - earliest).total_seconds() if earliest is not None else 0.0
    result["timers"] = {"earliest_due": earliest.isoformat() if earliest is not None else None,
                        "lag_seconds": round(max(lag, 0.0), 3)}
    return result


@bp.get("/health")
def health() -> Any:
    future: Future[dict[str, Any]] = _checks.submit(_probe, _services())
    try:
        found = future.result(timeout=HEALTH_TIMEOUT)
    except FutureTimeout:
        return _unhealthy("timeout")
    except Exception:  # noqa: BLE001 - the reason goes to the log, not to whoever asks
        current_app.logger.warning("health: the database could not be reached", exc_info=True)
        return _unhealthy("unreachable")
    problems = []
    if found["scheduler"].get("status") != "ok":
        problems.append("scheduler")
    if found["timers"]["lag_seconds"] > LAG_LIMIT.total_seconds():
        problems.append("timers")
    body = {"status": "degraded" if problems else "ok", "database": "ok", **found}
    if problems:
        body["problems"] = problems
    return _no_store(jsonify(body))


def _unhealthy(database: str) -> Any:
    body = {"status": "failing", "database": database, "scheduler": {"status": "unknown"}, "problems": ["database"]}
    response = jsonify(body)
    response.status_code = 503
    return _no_store(response)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics() -> Any:
    services = _services()
    expected = services.settings.metrics_token
    if expected:
        header = request.headers.get("Authorization", "")
        given = header[7:].strip() if header.startswith("Bearer ") else ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return Response("401: send Authorization: Bearer <IOP_METRICS_TOKEN>\n", status=401,
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"},
                            content_type="text/plain; charset=utf-8")
    return _no_store(Response(render(services), content_type=CONTENT_TYPE_LATEST))
