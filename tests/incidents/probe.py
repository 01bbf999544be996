"""A service handler whose failure a test switches on and off (the cause of an incident, then its fix)."""

from __future__ import annotations

from typing import Any

from handlers import handler

STATE = {"broken": False}


@handler("incident_probe")
def incident_probe(step: Any) -> str:
    if STATE["broken"]:
        raise RuntimeError("ekonomisystemet svarar inte")
    return "25000"  # a service result is JSON text
