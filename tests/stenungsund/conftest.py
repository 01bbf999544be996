"""Until the shared timer helpers land, give the engine an `at_local` helper of the same meaning."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from unittest.mock import patch

import pytest

from app.clock import ManualClock
from app.domain import calendar
from app.engine.expression_helpers import build_helpers
from app.engine.runtime import CaseEngine
from app.services import Services

TIMERS_READY = "at_local" in build_helpers(ManualClock())


@pytest.fixture(autouse=True)
def _helpers(services: Services) -> Iterator[None]:
    if not TIMERS_READY:
        def at_local(day: str, wall: str) -> str:
            return calendar.at_local_time(date.fromisoformat(str(day)[:10]), time.fromisoformat(wall)).isoformat()

        services.engine = CaseEngine(services.clock, services.engine.definitions, services.engine.handlers,
                                     helpers={"at_local": at_local})
        import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer

        class _Now(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> Any:
                return services.clock.now()

        with patch.object(spiff_timer, "datetime", _Now):
            yield
        return
    yield
