"""Runs scripts/agreement_clock_check.py: CLI + real server + API only, the manual clock moved by the API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "agreement_clock_check.py"
sys.path.insert(0, str(ROOT / "scripts"))

from agreement_clock_check import add_months  # noqa: E402


def _run(*args: str) -> tuple[int, str, str]:
    # its own session, so that a hung run is killed together with the `iop serve` it started
    script = subprocess.Popen([sys.executable, str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        out, err = script.communicate(timeout=600)
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.communicate()
    return script.returncode, out, err


@pytest.mark.slow  # starts `iop serve` through a script
def test_agreement_timers_take_effect_on_their_days_through_the_api() -> None:
    code, out, err = _run()
    assert code == 0, out + err
    assert "every timer had its effect on its day" in out
    for label in ("payment 1 due", "payment 2 due", "follow-up 1 opens", "follow-up 2 opens",
                  "renewal dialogue opens (9 months before the end)",
                  "undecided renewal escalates (3 months before the end)", "the period has run out"):
        assert label in out, out
    assert "completed escalate_board as board" in out


@pytest.mark.slow  # starts `iop serve` through a script
def test_a_failing_check_exits_non_zero_with_its_reason() -> None:
    code, out, err = _run("--years", "9")  # the economic plan allows at most five years: refused with 422
    assert code == 1, out + err
    assert "agreement clock check failed: officer could not complete economic_plan: 422" in err


def test_months_are_counted_as_a_person_would() -> None:
    assert add_months(date(2028, 2, 29), -9) == date(2027, 5, 29)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
