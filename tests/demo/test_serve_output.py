"""`iop serve` ends its start-up with the address and a log-in line, and SpiffWorkflow's per-task INFO is off."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.demo.people import DEMO_LOGIN, DEMO_PASSWORD
from app.domain.accounts import add_user
from app.services import Services

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from interface_check import free_port  # noqa: E402

IOP = str(Path(sys.executable).with_name("iop"))

pytestmark = pytest.mark.slow  # starts `iop serve` as a process


def _read_until(process: subprocess.Popen[str], wanted: str, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    lines: list[str] = []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if wanted in line:
            return lines
    pytest.fail(f"{wanted!r} not printed within {seconds} s: {lines}")


def test_serve_prints_address_and_demo_log_in_last(services: Services, tmp_path: Path) -> None:
    with services.unit_of_work() as s:
        add_user(s, services.clock, DEMO_LOGIN, DEMO_PASSWORD, "officer", municipality="stenungsund")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
    env.update(IOP_DATABASE_URL=services.settings.database_url, IOP_INSTANCE_PATH=str(tmp_path))
    port = free_port()
    process = subprocess.Popen([IOP, "serve", "--no-scheduler", "--port", str(port)], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        lines = _read_until(process, "Logga in som", 90)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert lines[-2] == f"IOP körs på http://127.0.0.1:{port}/ (Ctrl+C stoppar)"
    assert lines[-1].startswith(f"Logga in som {DEMO_LOGIN} / lösenord {DEMO_PASSWORD}")
    assert not [line for line in lines if " spiff" in line or "alembic" in line]


def test_bad_log_level_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
    env.update(IOP_LOG_LEVEL="chatty", IOP_INSTANCE_PATH=str(tmp_path))
    done = subprocess.run([IOP, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "IOP_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR" in done.stderr
