"""Runs scripts/interface_check.py: CLI + real server + API only, as an outside integration would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from interface_check import sample  # noqa: E402


@pytest.mark.slow  # starts `iop serve` through a script
def test_interface_script_drives_falun_to_its_end() -> None:
    # its own session, so that a hung run is killed together with the `iop serve` it started
    script = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "interface_check.py")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = script.communicate(timeout=300)
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.communicate()
    assert script.returncode == 0, out + err
    assert "ended: approved" in out
    assert "completed final_review as lawyer" in out


def test_sample_satisfies_a_schema_from_the_schema_alone() -> None:
    schema = {"type": "object", "required": ["b", "d", "e", "n", "s", "t", "a", "c"], "properties": {
        "b": {"type": "boolean"}, "d": {"type": "string", "format": "date"},
        "e": {"type": "string", "format": "email", "maxLength": 200}, "n": {"type": "integer", "minimum": 5,
                                                                         "maximum": 7},
        "s": {"type": "string", "maxLength": 3}, "t": {"type": "string", "minLength": 40},
        "a": {"type": "array"}, "c": {"enum": ["ja", "nej"]}, "optional": {"type": "string"}}}
    data = sample(schema)
    assert data == {"b": True, "d": "2027-01-01", "e": "kontakt@example.org", "n": 5, "s": "Sva",
                    "t": data["t"], "a": [], "c": "ja"}
    assert len(data["t"]) == 40
    from jsonschema import Draft202012Validator, FormatChecker

    Draft202012Validator(schema, format_checker=FormatChecker()).validate(data)
