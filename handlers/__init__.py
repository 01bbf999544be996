"""Service-task handlers: plain functions that diagrams call by operation name.

A service task names an operation (spiffworkflow:serviceTaskOperator name, or
camunda:topic); the engine looks it up in the table build_services hands it
(``registry()``). Unknown names are refused when a diagram is deployed, not when a
timer fires at night.

Each handler gets the step's context (app/engine/step.py: the session, the case, the
clock) as its first argument, then the task's parameters as keyword arguments.
"""

from __future__ import annotations

from handlers import agreements, builtin
from handlers.registration import Handler, handler, registered

__all__ = ["Handler", "agreements", "builtin", "handler", "registry"]


def registry() -> dict[str, Handler]:
    """Every handler by operation name: the built-in ones, Stenungsund's agreement cycle, any a test added."""
    return registered()
