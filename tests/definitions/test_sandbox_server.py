"""Issue 9, findings 1 and 2 against a real `iop serve`: a hostile timer sent to POST /api/v1/validate
neither delays a concurrent GET /login by more than a second nor grows the server's memory.

The server is a separate process on a free loopback port with its own SQLite file (as
scripts/interface_check.py starts it); the test only polls it for readiness.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from interface_check import Client, free_port, wait_until_up  # noqa: E402

IOP = str(Path(sys.executable).with_name("iop"))
PASSWORD = "sandbox-check-pw"
TEMPLATE = (Path(__file__).parent / "hostile" / "template.bpmn").read_text(encoding="utf-8")
POW = '"P1D" if pow(3, 2**20000, 2**20000+1) else "P2D"'
TO_BYTES = '[(1).to_bytes(10**8, "big") for i in range(5)]'

pytestmark = pytest.mark.slow  # starts `iop serve` as a process and sends it hostile timers


def _diagram(timer: str) -> str:
    return TEMPLATE.replace("SCRIPT", "x = 1").replace("CONDITION", "x == 2").replace("TIMER", html.escape(timer))


class Server:
    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.base = f"http://127.0.0.1:{port}"
        self.api = Client(f"{self.base}/api/v1")
        self.token = ""

    def memory_kb(self, field: str) -> int:
        """VmRSS (now) or VmHWM (peak) of the server process, from /proc."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))

    def validate(self, timer: str) -> tuple[int, Any]:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"hostile.bpmn\"\r\n"
                f"Content-Type: application/xml\r\n\r\n{_diagram(timer)}\r\n--{boundary}--\r\n").encode()
        request = urllib.request.Request(f"{self.base}/api/v1/validate", data=body, method="POST")
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Authorization", f"Bearer {self.token}")
        import json

        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def login_page_seconds(self) -> float:
        """How long GET /login takes (at least 5 seconds if it does not answer within them)."""
        began = time.monotonic()
        try:
            with urllib.request.urlopen(f"{self.base}/login", timeout=5) as answer:
                assert answer.status == 200
        except TimeoutError:
            return 5.0
        return time.monotonic() - began


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("sandbox_server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
    env.update(IOP_DATABASE_URL=f"sqlite:///{tmp / 'server.sqlite3'}", IOP_INSTANCE_PATH=str(tmp))
    made = subprocess.run([IOP, "user", "add", "sbx_admin", "--role", "admin", "--password-stdin"],
                          input=PASSWORD + "\n", text=True, env=env, capture_output=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    port = free_port()
    process = subprocess.Popen([IOP, "serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        running = Server(process, port)
        wait_until_up(running.api, process)
        status, answer = running.api.call("POST", "/auth/token", {"username": "sbx_admin", "password": PASSWORD})
        assert status == 200, answer
        running.token = answer["token"]
        status, answer = running.validate('"2027-01-01"')  # a harmless timer: starts what validation uses
        assert status == 200 and answer["problems"] == [], answer
        yield running
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_hostile_timer_does_not_delay_a_concurrent_request(server: Server) -> None:
    answers: list[tuple[int, Any]] = []
    hostile = threading.Thread(target=lambda: answers.append(server.validate(POW)))
    hostile.start()
    delays = [server.login_page_seconds()]
    while hostile.is_alive() and len(delays) < 50:
        delays.append(server.login_page_seconds())
    hostile.join(timeout=60)
    assert max(delays) < 1.0, delays
    [(status, answer)] = answers
    assert status == 200
    [problem] = answer["details"]
    assert problem["element_id"] == "timer" and problem["code"] == "timer_invalid"
    assert "is too costly for a diagram script" in problem["message"]


def test_a_hostile_timer_does_not_grow_the_server_memory(server: Server) -> None:
    peak_before = server.memory_kb("VmHWM")
    status, answer = server.validate(TO_BYTES)
    assert status == 200
    [problem] = answer["details"]
    assert problem["element_id"] == "timer" and problem["code"] == "timer_invalid"
    growth_mb = (server.memory_kb("VmHWM") - peak_before) / 1024
    assert growth_mb < 50, f"the server's peak memory grew by {growth_mb:.0f} MB"
