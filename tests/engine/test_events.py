"""What happens after a step: the engine announces typed events to the listeners wired by build_services."""

from __future__ import annotations

import importlib
import subprocess
import sys
from typing import Any

from app.engine.events import CaseEnded, CaseSaved, FeedbackGiven, TaskCompleted, TaskOpened, TimerFired
from app.services import Services
from handlers import registry
from tests import falun_steps as steps
from tests.engine.test_falun_engine import _complete, _start

KINDS = (TaskOpened, TaskCompleted, FeedbackGiven, TimerFired, CaseEnded, CaseSaved)


def _describe(event: Any) -> tuple[str, str]:
    if isinstance(event, TaskOpened):
        return ("opened", event.task.name)
    if isinstance(event, TaskCompleted):
        return ("completed", event.task_name)
    if isinstance(event, FeedbackGiven):
        return ("feedback", event.title)
    if isinstance(event, CaseEnded):
        return ("ended", f"{event.status}:{event.outcome}")
    if isinstance(event, CaseSaved):
        return ("saved", ",".join(e.kind for e in event.recorded))
    return (type(event).__name__, "")


def test_a_listener_receives_the_events_of_a_falun_case_in_order(services: Services, people: Any) -> None:
    heard: list[Any] = []
    for kind in KINDS:
        services.engine.events.listen(kind, heard.append)
    case_id = _start(services)
    for name, _, data in steps.HAPPY_PATH:
        _complete(services, case_id, name, data)
    described = [_describe(e) for e in heard]
    assert described[:6] == [
        ("opened", "checklist"), ("saved", "case_started"),
        ("completed", "checklist"), ("opened", "initiative"), ("saved", "task_completed"),
        ("completed", "initiative"),
    ]
    assert [d for d in described if d[0] == "completed"] == [("completed", n) for n, _, _ in steps.HAPPY_PATH]
    assert described[-1][0] == "saved" and described[-2] == ("ended", "completed:approved")
    assert "case_completed" in described[-1][1]
    # every event of one step carries that step's context: its session, case and clock
    assert {e.step.case.id for e in heard} == {case_id}
    assert all(e.step.clock is services.clock for e in heard)


def test_the_wired_listeners_are_the_projection_and_the_mail(services: Services) -> None:
    assert [type(f).__name__ for f in services.engine.events.listeners(CaseSaved)] == ["AgreementProjection"]
    assert services.engine.events.listeners(TaskOpened)  # the task mail


def test_importing_the_application_installs_no_sqlalchemy_listener() -> None:
    """Import every module of app/ and handlers/ in a fresh interpreter: no Session or mapper hook appears."""
    code = """
import importlib, pkgutil
import app, handlers
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from app.models import Case
names = [m.name for p in (app, handlers) for m in pkgutil.walk_packages(p.__path__, p.__name__ + ".")
         if ".migrations." not in m.name and not m.name.endswith(".__main__")]
for name in names:
    importlib.import_module(name)
session = Session()
hooks = ("before_flush", "after_flush", "after_commit", "after_soft_rollback", "pending_to_persistent")
installed = [h for h in hooks if len(getattr(session.dispatch, h))]
installed += [h for h in ("before_insert", "before_update") if len(getattr(inspect(Case).dispatch, h))]
installed += [h for h in ("load",) if len(getattr(Case._sa_class_manager.dispatch, h))]
print(len(names), installed)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, installed = result.stdout.strip().split(" ", 1)
    assert int(count) > 100
    assert installed == "[]"


def test_importing_a_handler_registers_nothing(services: Services) -> None:
    """The engine's handlers are the table `build_services` gives it; defining a handler in an imported module
    (the incident tests' probe) does not add it anywhere, and no caller's table changes another's."""
    probe = importlib.import_module("tests.incidents.probe")
    assert "incident_probe" not in registry() and probe.incident_probe not in registry().values()
    assert "incident_probe" not in services.engine.operations
    assert services.engine.operations == set(registry()) and "agreement_plan" in services.engine.operations
    mine = registry()
    mine["extra"] = probe.incident_probe
    assert "extra" not in registry() and "extra" not in services.engine.handlers
