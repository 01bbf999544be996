"""Runs scripts/interface_check.py: CLI + real server + API only, as an outside integration would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_interface_script_drives_falun_to_its_end() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "interface_check.py")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ended: approved" in result.stdout
    assert "completed final_review as lawyer" in result.stdout
