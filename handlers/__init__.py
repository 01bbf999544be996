"""Service-task handlers: plain functions that diagrams call by operation name.

A service task names an operation (spiffworkflow:serviceTaskOperator name, or
camunda:topic); the engine looks it up here. Unknown names are refused when a
diagram is deployed, not when a timer fires at night.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]

_REGISTRY: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        if name in _REGISTRY and _REGISTRY[name] is not func:
            raise ValueError(f"a handler named {name!r} is already registered")
        _REGISTRY[name] = func
        return func

    return register


def registry() -> dict[str, Handler]:
    from handlers import (
        agreements,  # noqa: F401  (Stenungsund's agreement cycle)
        builtin,  # noqa: F401  (registers the built-in handlers)
    )

    return dict(_REGISTRY)
