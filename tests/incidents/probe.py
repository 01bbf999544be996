"""A service handler whose failure a test switches on and off (the cause of an incident, then its fix)."""

from __future__ import annotations

from typing import Any

STATE = {"broken": False}


def incident_probe(step: Any) -> str:
    if STATE["broken"]:
        raise RuntimeError("ekonomisystemet svarar inte")
    return "25000"  # a service result is JSON text


HANDLERS = {"incident_probe": incident_probe}  # added to the engine by tests/incidents/conftest.py
