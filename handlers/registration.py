"""The table of service-task handlers by operation name, filled by the ``handler`` decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]  # (step: StepContext, **parameters) -> the operation's result

_REGISTRY: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        if name in _REGISTRY and _REGISTRY[name] is not func:
            raise ValueError(f"a handler named {name!r} is already registered")
        _REGISTRY[name] = func
        return func

    return register


def registered() -> dict[str, Handler]:
    return dict(_REGISTRY)
