"""Beyond one machine: two real `iop serve` processes on one database (docs/operations.md).

Both run with --no-scheduler and IOP_CLOCK=manual (the clock is a row in the database, so both see one
time) and share IOP_SECRET_KEY, as production web processes behind one proxy do. Checked through both at once:
a task completed through both gives one 200 and one 409; a clock move through both sweeps the timers in both
processes and each timer fires once; a log-out through one ends the session in the other. On PostgreSQL (the
CI's second run) and on a SQLite file.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select

from app.config import Settings
from app.domain.accounts import add_organisation, add_user, municipality_by_slug, organisation_by_number
from app.models import CaseEvent
from app.services import Services, build_services, deploy_processes, prepare_database
from tests import falun_steps as steps
from tests.conftest import ORG_A, PASSWORD, PASSWORD_HASH
from tests.scratch_database import scratch_database
from tests.timers.helpers import FIXTURES as TIMER_FIXTURES

PROJECT = Path(__file__).resolve().parents[2]
READY_WITHIN = 45.0  # seconds for both servers to answer /health on a busy machine
TIMER_CASES = 12

pytestmark = pytest.mark.slow  # starts two `iop serve` and two `iop scheduler` processes


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    def log_lines(self) -> list[str]:
        return self.err.read_text(encoding="utf-8", errors="replace").splitlines()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database(tmp: Path) -> Iterator[str]:
    with scratch_database(tmp / "shared.sqlite3", prefix="t_ops") as url:
        yield url


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, list[Server]]]:
    tmp = tmp_path_factory.mktemp("two_servers")
    for url in _database(tmp):
        env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
        env.update(IOP_DATABASE_URL=url, IOP_CLOCK="manual", IOP_SECRET_KEY="two-servers-shared-secret-key",
                   IOP_INSTANCE_PATH=str(tmp / "instance"), IOP_LOG_FORMAT="json", IOP_LOG_LEVEL="INFO")
        settings = Settings.from_env(instance_path=tmp / "instance", database_url=url, clock="manual",
                                     secret_key=env["IOP_SECRET_KEY"])
        services = build_services(settings)  # a StoredClock: the same row the servers read
        prepare_database(services)
        deploy_processes(services, TIMER_FIXTURES)
        with services.unit_of_work() as s:
            add_organisation(s, services.clock, "Föreningen Gemenskap", ORG_A, "a@example.org")
            for username, role, muni in (("org_a", "organisation", None), ("officer", "officer", "falun"),
                                         ("admin", "admin", None)):
                add_user(s, services.clock, username, PASSWORD, role, municipality=muni,
                         organisation=ORG_A if role == "organisation" else None, password_hash=PASSWORD_HASH)
        servers = []
        for name in ("a", "b"):
            port = _free_port()
            out, err = tmp / f"{name}.out", tmp / f"{name}.err"
            process = subprocess.Popen(  # noqa: S603 - our own command line
                [sys.executable, "-m", "app.cli", "serve", "--no-scheduler", "--port", str(port), "--threads", "4"],
                cwd=PROJECT, env=env, stdout=out.open("wb"), stderr=err.open("wb"))
            servers.append(Server(f"http://127.0.0.1:{port}", process, out, err))
        try:
            _wait_ready(servers)
            yield services, servers
        finally:
            for server in servers:
                server.process.terminate()
            for server in servers:
                try:
                    server.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.process.kill()
            services.db.dispose()


def _wait_ready(servers: list[Server]) -> None:
    deadline = time.monotonic() + READY_WITHIN
    waiting = list(servers)
    while waiting and time.monotonic() < deadline:
        for server in list(waiting):
            if server.process.poll() is not None:
                pytest.fail(f"{server.url} exited: {server.err.read_text()[-3000:]}")
            try:
                if requests.get(f"{server.url}/health", timeout=2).status_code == 200:
                    waiting.remove(server)
            except requests.ConnectionError:
                pass
        if waiting:
            time.sleep(0.2)  # polling for readiness, not synchronising application logic
    if waiting:
        pytest.fail(f"not ready within {READY_WITHIN} s: {[s.url for s in waiting]}")


def _token(server: Server, username: str) -> dict[str, str]:
    resp = requests.post(f"{server.url}/api/v1/auth/token", json={"username": username, "password": PASSWORD},
                         timeout=30)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def _at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(r, requests.Response) for r in results), results
    return results


def test_started_quietly_with_the_address_and_json_logs(shared: tuple[Services, list[Server]]) -> None:
    _, servers = shared
    for server in servers:
        out = server.out.read_text(encoding="utf-8")
        assert f"IOP körs på {server.url}/" in out
        lines = server.log_lines()
        assert len(lines) < 20, lines[:30]  # no per-task or per-library chatter before serving
        assert all(isinstance(json.loads(line), dict) for line in lines)


def test_a_task_completed_through_both_servers_at_once_gives_one_200_and_one_409(
        shared: tuple[Services, list[Server]]) -> None:
    _, (a, b) = shared
    org = _token(a, "org_a")
    created = requests.post(f"{a.url}/api/v1/cases", json={"municipality": "falun"}, headers=org, timeout=30)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    tasks = requests.get(f"{b.url}/api/v1/tasks?case_id={case_id}", headers=org, timeout=30).json()["items"]
    [task] = [t for t in tasks if t["name"] == "checklist"]
    url = f"/api/v1/tasks/{task['id']}/complete"
    body = {"data": steps.CHECKLIST}
    answers = _at_once([lambda: requests.post(a.url + url, json=body, headers=org, timeout=60),
                        lambda: requests.post(b.url + url, json=body, headers=org, timeout=60)])
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text[:300] for r in answers]
    [conflict] = [r for r in answers if r.status_code == 409]
    assert conflict.json()["error"]["code"] == "conflict"
    services = shared[0]
    with services.unit_of_work() as s:
        completed = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                           CaseEvent.kind == "task_completed")))
    assert [e.task_name for e in completed] == ["checklist"]


def test_a_timer_fires_once_when_both_servers_sweep_at_once(shared: tuple[Services, list[Server]]) -> None:
    services, (a, b) = shared
    now = services.clock.now()
    with services.unit_of_work() as s:
        ids = []
        for _ in range(TIMER_CASES):
            case = services.engine.start_case(
                s, municipality=municipality_by_slug(s, "falun"), organisation=organisation_by_number(s, ORG_A),
                process_id="timer_renewal", actor=None, data={"agreement_end": f"{now.year + 2}-02-28", "log": []})
            s.flush()
            ids.append(case.id)
    with services.unit_of_work() as s:
        before = {e.case_id for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id.in_(ids),
                                                                       CaseEvent.kind == "timer_fired"))}
    assert not before
    # past the dialogue date (9 months before the end), before the deadline (3 months before)
    target = now.replace(year=now.year + 1, month=8, day=1).isoformat()
    admin = _token(a, "admin")
    answers = _at_once([lambda: requests.post(f"{a.url}/api/v1/clock", json={"now": target}, headers=admin,
                                              timeout=60),
                        lambda: requests.post(f"{b.url}/api/v1/clock", json={"now": target}, headers=admin,
                                              timeout=60)])
    assert [r.status_code for r in answers] == [200, 200], [r.text[:300] for r in answers]
    assert sum(r.json()["fired"] for r in answers) == TIMER_CASES
    with services.unit_of_work() as s:
        fired = [(e.case_id, e.task_name) for e in s.scalars(
            select(CaseEvent).where(CaseEvent.case_id.in_(ids), CaseEvent.kind == "timer_fired"))]
    assert sorted(fired) == sorted((case_id, "t_dialogue") for case_id in ids)
    # the firings are in the servers' JSON logs, one line each, with the case's registration number
    logged = [json.loads(line) for server in (a, b) for line in server.log_lines()]
    firing_lines = [e for e in logged if e.get("event") == "timer_fired" and e.get("case_id") in ids]
    assert len(firing_lines) == TIMER_CASES
    assert all(re.match(r"^\S+ \d{4}/\d+", e["registration_number"] or "") for e in firing_lines), firing_lines[:2]


def _login(server: Server) -> tuple[str, str]:
    """Log in through the page as the officer: (session cookie, the page it lands on)."""
    page = requests.get(f"{server.url}/login", timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token, page.text[:500]
    resp = requests.post(f"{server.url}/login", data={"csrf_token": token.group(1), "username": "officer",
                                                      "password": PASSWORD},
                         cookies=page.cookies, allow_redirects=False, timeout=30)
    assert resp.status_code == 302, resp.text[:500]
    return resp.cookies["session"], resp.headers["Location"]


def test_a_log_out_through_one_server_is_seen_by_the_other(shared: tuple[Services, list[Server]]) -> None:
    _, (a, b) = shared
    cookie, landing = _login(a)
    path = landing.replace(a.url, "")
    seen = requests.get(f"{b.url}{path}", cookies={"session": cookie}, allow_redirects=False, timeout=30)
    assert seen.status_code == 200  # the session made on a is good on b
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', seen.text)
    assert token, seen.text[:500]
    cookie = seen.cookies.get("session", cookie)  # b's answer stored the form token in the signed cookie
    out = requests.post(f"{a.url}/logout", data={"csrf_token": token.group(1)}, cookies={"session": cookie},
                        allow_redirects=False, timeout=30)
    assert out.status_code == 302
    for server in (b, a):  # the old cookie is refused by both: the session row is gone from the database
        again = requests.get(f"{server.url}{path}", cookies={"session": cookie}, allow_redirects=False, timeout=30)
        assert again.status_code == 302 and "/login" in again.headers["Location"], (server.url, again.status_code)


def test_two_scheduler_processes_fire_each_timer_once_and_show_in_health(
        shared: tuple[Services, list[Server]], tmp_path: Path) -> None:
    """Last in this module: the schedulers sweep whatever is due. Both start at once and sweep at start."""
    from app.models.scheduler_heartbeat import SchedulerHeartbeat

    services, (a, _b) = shared
    now = services.clock.now()
    with services.unit_of_work() as s:
        ids = []
        for _ in range(TIMER_CASES):
            case = services.engine.start_case(
                s, municipality=municipality_by_slug(s, "falun"), organisation=organisation_by_number(s, ORG_A),
                process_id="timer_renewal", actor=None, data={"agreement_end": f"{now.year + 2}-02-28", "log": []})
            s.flush()
            ids.append(case.id)
    services.clock.set(now.replace(year=now.year + 1, month=8, day=1))  # type: ignore[attr-defined]
    with services.unit_of_work() as s:
        fired_before = len(list(s.scalars(select(CaseEvent.id).where(CaseEvent.kind == "timer_fired"))))
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
    env.update(IOP_DATABASE_URL=services.settings.database_url, IOP_CLOCK="manual",
               IOP_SECRET_KEY=services.settings.secret_key, IOP_INSTANCE_PATH=str(tmp_path),
               IOP_LOG_FORMAT="json")
    started = [subprocess.Popen([sys.executable, "-m", "app.cli", "scheduler"], cwd=PROJECT, env=env,  # noqa: S603
                                stdout=subprocess.DEVNULL, stderr=(tmp_path / f"s{i}.err").open("wb"))
               for i in range(2)]
    pids = {p.pid for p in started}
    try:
        deadline = time.monotonic() + READY_WITHIN
        swept: list[SchedulerHeartbeat] = []
        while time.monotonic() < deadline:
            with services.unit_of_work() as s:
                swept = [r for r in s.scalars(select(SchedulerHeartbeat).where(SchedulerHeartbeat.pid.in_(pids)))
                         if r.sweeps >= 1]
            if len(swept) == 2 or any(p.poll() is not None for p in started):
                break
            time.sleep(0.2)  # polling for both processes' first sweep, not synchronising application logic
        errors = [(tmp_path / f"s{i}.err").read_text()[-2000:] for i in range(2)]
        assert len(swept) == 2, errors
        with services.unit_of_work() as s:
            every = [(e.case_id, e.task_name, e.data.get("due")) for e in s.scalars(
                select(CaseEvent).where(CaseEvent.kind == "timer_fired"))]
        assert len(every) == len(set(every))  # no timer of any case fired twice
        assert sorted((c, t) for c, t, _ in every if c in ids) == sorted((c, "t_dialogue") for c in ids)
        # what the two processes fired (also the earlier cases' later timers) is what the history gained
        assert sum(r.fired_total for r in swept) == len(every) - fired_before
        health = requests.get(f"{a.url}/health", timeout=30).json()  # the web process sees both schedulers
        assert health["status"] == "ok" and health["scheduler"]["processes"] >= 2
        metrics = requests.get(f"{a.url}/metrics", timeout=30).text
        assert re.search(r"^iop_scheduler_processes 2\.0$", metrics, re.M) or \
            re.search(r"^iop_scheduler_processes [2-9]", metrics, re.M), metrics
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
