"""GET /health, GET /metrics and the JSON log lines of a request and a timer firing (docs/operations.md)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from app.config import Settings
from app.models import Case, CaseEvent, Notification, OpenTask
from app.notifications.outbox import MAX_ATTEMPTS
from app.observability.heartbeat import Heartbeat
from app.observability.logs import JsonFormatter, RequestIdFilter
from app.scheduler import sweep
from app.services import Services
from app.web.factory import create_app
from tests.api.helpers import start as start_case
from tests.timers.helpers import deploy as deploy_timer_fixtures
from tests.timers.helpers import local
from tests.timers.helpers import start as start_timer_case

UNREACHABLE = ("sqlite:////nonexistent-iop-dir/none/iop.sqlite3", "postgresql+psycopg://iop@127.0.0.1:1/iop")


class Captured:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def captured() -> Iterator[Captured]:
    cap = Captured()
    handler = logging.StreamHandler(cap.stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(name) for name in ("app.request", "app.engine.timers")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.INFO)
        lg.addHandler(handler)
    yield cap
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def _metrics(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


# --- /health --------------------------------------------------------------------------------------------------

def test_health_ok_with_a_live_scheduler_and_degraded_without(app: Flask, services: Services) -> None:
    client = app.test_client()
    resp = client.get("/health")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["scheduler"]["status"] == "absent" and body["problems"] == ["scheduler"]

    heartbeat = Heartbeat(services)
    heartbeat.register()
    assert sweep(services, heartbeat) == 0
    resp = client.get("/health")
    body = resp.get_json()
    assert resp.status_code == 200 and body["status"] == "ok" and "problems" not in body
    assert body["scheduler"]["status"] == "ok" and body["scheduler"]["processes"] == 1
    assert body["scheduler"]["last_fired"] == 0 and body["scheduler"]["last_sweep_failed"] is False
    assert body["timers"] == {"earliest_due": None, "lag_seconds": 0.0}
    text = resp.get_data(as_text=True)
    for secret in (services.settings.secret_key, "sqlite", "postgres", str(heartbeat.row_id and "pid")):
        assert secret not in text
    assert resp.headers["Cache-Control"] == "no-store"


def test_health_names_a_timer_waiting_too_long(app: Flask, services: Services, people: Any) -> None:
    heartbeat = Heartbeat(services)
    heartbeat.register()
    deploy_timer_fixtures(services)
    case_id = start_timer_case(services, "timer_renewal", {"agreement_end": "2028-02-29", "log": []})
    due = services.clock.now() - timedelta(minutes=6)
    with services.unit_of_work() as s:
        s.execute(update(Case).where(Case.id == case_id).values(next_timer_at=due))
    body = app.test_client().get("/health").get_json()
    assert body["status"] == "degraded" and body["problems"] == ["timers"]
    assert body["timers"]["lag_seconds"] == 360.0


@pytest.mark.parametrize("url", UNREACHABLE, ids=["sqlite", "postgresql"])
def test_health_503_names_the_database_when_it_cannot_be_reached(tmp_path: Path, url: str) -> None:
    settings = Settings.from_env(instance_path=tmp_path, database_url=url, secret_key="s3cret-key-for-test",
                                 testing=True, clock="system")
    app = create_app(settings)
    resp = app.test_client().get("/health")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "failing" and body["database"] == "unreachable" and body["problems"] == ["database"]
    assert "s3cret" not in resp.get_data(as_text=True) and "127.0.0.1" not in resp.get_data(as_text=True)
    # the metrics still answer, saying the database is down
    metrics = _metrics(app.test_client().get("/metrics").get_data(as_text=True))
    assert metrics[("iop_database_up", ())] == 0


# --- /metrics -------------------------------------------------------------------------------------------------

def test_metrics_match_the_database(app: Flask, services: Services, api: Any) -> None:
    org = api("org_a")
    first = start_case(org)
    start_case(org)
    now = services.clock.now()
    with services.unit_of_work() as s:
        tasks = list(s.scalars(select(OpenTask)))
        roles = {t.role for t in tasks}
        s.execute(update(OpenTask).where(OpenTask.id == tasks[0].id).values(due_at=now - timedelta(days=1)))
        s.execute(update(Case).where(Case.id == first["id"]).values(next_timer_at=now - timedelta(seconds=90)))
        s.add(CaseEvent(case_id=first["id"], at=now, actor_name="system", kind="incident", title="x", data={}))
    heartbeat = Heartbeat(services)
    heartbeat.register()
    sweep(services, heartbeat)  # wakes the first case (the test made it 90 seconds late) and sends queued mail
    with services.unit_of_work() as s:
        for attempts, sent in ((0, None), (1, None), (MAX_ATTEMPTS, None), (1, now)):
            s.add(Notification(kind="reminder", recipient="a@example.org", subject="s", body="b",
                               created_at=now, attempts=attempts, sent_at=sent))

    resp = app.test_client().get("/metrics")
    assert resp.status_code == 200 and resp.content_type.startswith("text/plain")
    m = _metrics(resp.get_data(as_text=True))
    assert m[("iop_database_up", ())] == 1
    assert m[("iop_cases", (("municipality", "falun"), ("status", "running")))] == 2
    with services.unit_of_work() as s:
        per_role = {role: len(list(s.scalars(select(OpenTask.id).where(OpenTask.role == role)))) for role in roles}
        late_role = s.scalar(select(OpenTask.role).where(OpenTask.due_at < now))
    for role, count in per_role.items():
        assert m[("iop_open_tasks", (("role", role),))] == count
    assert m[("iop_overdue_tasks", (("role", late_role),))] == 1
    assert m[("iop_incident_events", ())] >= 1
    assert m[("iop_mail_outbox", (("state", "pending"),))] == 2
    assert m[("iop_mail_outbox", (("state", "failed"),))] == 1
    assert m[("iop_timer_lag_seconds", ())] == 0  # the sweep caught up
    assert m[("iop_scheduler_processes", ())] == 1
    assert m[("iop_scheduler_last_sweep_failed", ())] == 0
    assert ("iop_timer_sweep_duration_seconds_count", ()) in m
    assert m[("iop_http_requests_total", (("endpoint", "api.create_case"), ("method", "POST"), ("status", "201")))] >= 2
    assert all(name.startswith("iop_") for name, _ in m)


def test_metrics_lag_counts_from_the_earliest_due_timer(app: Flask, services: Services, people: Any) -> None:
    deploy_timer_fixtures(services)
    case_id = start_timer_case(services, "timer_renewal", {"agreement_end": "2028-02-29", "log": []})
    services.clock.set(local("2027-05-29 00:02"))  # type: ignore[attr-defined]  # due at 00:00: two minutes late
    m = _metrics(app.test_client().get("/metrics").get_data(as_text=True))
    assert m[("iop_timer_lag_seconds", ())] == 120
    assert case_id


def test_metrics_token(services: Services, tmp_path: Path) -> None:
    services.settings.metrics_token = "metrics-token-123"
    app = create_app(services.settings, services=services)
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer metrics-token-123"})
    assert ok.status_code == 200 and "iop_database_up 1.0" in ok.get_data(as_text=True)
    assert client.get("/health").status_code == 200  # no token for /health


# --- logs -----------------------------------------------------------------------------------------------------

def test_a_request_logs_one_json_line_with_its_case(app: Flask, services: Services, api: Any,
                                                     captured: Captured) -> None:
    case = start_case(api("org_a"))
    officer = api("officer")
    resp = app.test_client().get(f"/api/v1/cases/{case['id']}?password=hunter2&token=abc",
                                 headers={**officer.headers, "X-Request-ID": "req-12345678"})
    assert resp.status_code == 200 and resp.headers["X-Request-ID"] == "req-12345678"
    [line] = [entry for entry in captured.lines() if entry.get("request_id") == "req-12345678"]
    assert line["level"] == "INFO" and line["logger"] == "app.request"
    assert line["method"] == "GET" and line["path"] == f"/api/v1/cases/{case['id']}" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["case_id"] == case["id"] and line["registration_number"] == case["registration_number"]
    with services.unit_of_work() as s:
        from app.models import User

        officer_id = s.scalar(select(User.id).where(User.username == "officer"))
    assert line["user_id"] == officer_id
    raw = captured.stream.getvalue()
    assert "hunter2" not in raw and "correct-horse" not in raw and "Bearer" not in raw

    # a request id that is not a plain token is replaced; the log-in's password is not logged
    resp = app.test_client().get("/health", headers={"X-Request-ID": "bad id <script>"})
    assert len(resp.headers["X-Request-ID"]) == 32
    by_id = {entry.get("request_id"): entry for entry in captured.lines()}
    token_line = [e for e in by_id.values() if e.get("path") == "/api/v1/auth/token"]
    assert token_line and token_line[0]["status"] == 200 and token_line[0]["user_id"] is None
    assert "/health" not in [e.get("path") for e in captured.lines()]  # health checks log at DEBUG only


def test_a_calendar_feed_token_is_masked_in_the_log(app: Flask, captured: Captured) -> None:
    app.test_client().get("/calendar/very-secret-feed-token.ics")
    [line] = captured.lines()
    assert line["path"] == "/calendar/***.ics" and "very-secret" not in captured.stream.getvalue()


def test_a_timer_firing_logs_one_json_line(services: Services, people: Any, captured: Captured) -> None:
    deploy_timer_fixtures(services)
    case_id = start_timer_case(services, "timer_renewal", {"agreement_end": "2028-02-29", "log": []})
    services.clock.set(local("2027-05-29 00:00"))  # type: ignore[attr-defined]
    assert sweep(services) == 1
    [line] = [entry for entry in captured.lines() if entry.get("event") == "timer_fired"]
    with services.unit_of_work() as s:
        registration_number = s.scalar(select(Case.registration_number).where(Case.id == case_id))
    assert line["case_id"] == case_id and line["registration_number"] == registration_number
    assert line["timer"] == "t_dialogue" and datetime.fromisoformat(line["due"]) == local("2027-05-29 00:00")
    assert line["level"] == "INFO" and line["logger"] == "app.engine.timers"


def test_log_format_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from app.cli import main
    from app.logging_setup import configure_logging, log_format
    from app.observability.logs import TextFormatter

    monkeypatch.setenv("IOP_LOG_FORMAT", "xml")
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code != 0 and "IOP_LOG_FORMAT must be one of json, text, not 'xml'" in result.output
    monkeypatch.delenv("IOP_LOG_FORMAT")
    assert log_format("json") == "json" and log_format() == "text"
    record = logging.LogRecord("app.request", logging.INFO, __file__, 1, "GET / 200", None, None)
    record.fields = {"status": 200, "case_id": None}
    assert TextFormatter().format(record).endswith("app.request: GET / 200 [status=200]")
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    from app.logging_setup import QUIET_LIBRARIES

    quiet_before = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    try:
        configure_logging(False, "json")
        configure_logging(False, "json")  # again: still one handler of ours
        ours = [h for h in root.handlers if getattr(h, "_iop_handler", False)]
        assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)
        assert logging.getLogger("spiff").level == logging.WARNING
    finally:
        for handler in [h for h in root.handlers if h not in before[0]]:
            root.removeHandler(handler)
        root.setLevel(before[1])
        for name, level in quiet_before.items():
            logging.getLogger(name).setLevel(level)
