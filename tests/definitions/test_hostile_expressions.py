"""Hostile expressions: refused at deployment where they can be seen, contained where they cannot.

Each expression of HOSTILE is put into a script task, a gateway condition and a timer of
hostile/template.bpmn; validation must refuse it with one message naming that element. What only
shows at run time (hostile/runtime_guard.bpmn picks its behaviour from case data) must fail that one
case with an incident for the administrator, within the script limits, while other cases go on.
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.engine.incidents import incident_message
from app.engine.safe_expressions import SafeEnvironment
from app.engine.validate import validate_bundle
from app.models import Case, CaseEvent
from app.services import Services
from handlers import registry
from tests.timers.helpers import local, move, start

HERE = Path(__file__).parent / "hostile"
TEMPLATE = (HERE / "template.bpmn").read_text(encoding="utf-8")
SAFE = {"script": "x = 1", "condition": "x == 2", "timer": '"2027-01-01"'}

# expression -> why RestrictedPython (with our policy) refuses it
HOSTILE = {
    "__import__('os').system('id')": 'Line 1: __import__() is not available in diagram expressions. Line 1: '
                                     '"__import__" is an invalid variable name because it starts with "_"',
    "().__class__.__bases__[0].__subclasses__()":
        'Line 1: "__subclasses__" is an invalid attribute name because it starts with "_". Line 1: "__bases__" is '
        'an invalid attribute name because it starts with "_". Line 1: "__class__" is an invalid attribute name '
        'because it starts with "_".',
    "'{0.__class__}'.format(x)": "Line 1: .format() is not available in diagram expressions; use an f-string.",
    "'{x.__class__}'.format_map(data)":
        "Line 1: .format_map() is not available in diagram expressions; use an f-string.",
    "getattr(x, '__class__')": "Line 1: getattr() is not available in diagram expressions.",
    "type(x)": "Line 1: type() is not available in diagram expressions.",
    "open('/etc/passwd').read()": "Line 1: open() is not available in diagram expressions.",
    "(y for y in []).gi_frame": 'Line 1: "gi_frame" is a restricted name, that is forbidden to access in '
                                'RestrictedPython.',
    "eval('1')": "Line 1: eval() is not available in diagram expressions. Line 1: Eval calls are not allowed.",
    "globals()": "Line 1: globals() is not available in diagram expressions.",
    "vars(x)": "Line 1: vars() is not available in diagram expressions.",
    "x.__dict__": 'Line 1: "__dict__" is an invalid attribute name because it starts with "_".',
    "f'{x:{x}}'": "Line 1: A computed format in an f-string is not allowed.",
    "f'{x:>99999999}'": "Line 1: An f-string field wider than 10000 characters is not allowed.",
}
HOSTILE_SCRIPTS = {
    "import os": "Line 1: Imports are not allowed in diagram scripts.",
    "from subprocess import run": "Line 1: Imports are not allowed in diagram scripts.",
    "class Escape:\n    pass": "Line 1: Class statements are not allowed in diagram scripts.",
    "exec('x = 1')": "Line 1: exec() is not available in diagram expressions. Line 1: Exec calls are not allowed.",
}


def _bundle(**parts: str) -> dict[str, str]:
    text = TEMPLATE
    for key, value in {**SAFE, **parts}.items():
        text = text.replace(key.upper(), html.escape(value))
    return {"hostile.bpmn": text}


def _messages(**parts: str) -> list[str]:
    return [str(p) for p in validate_bundle(_bundle(**parts), operations=registry())]


def test_the_template_with_safe_expressions_is_valid() -> None:
    assert _messages() == []


@pytest.mark.parametrize("expression", sorted(HOSTILE))
def test_hostile_expression_is_refused_in_a_script_a_condition_and_a_timer(expression: str) -> None:
    reason = HOSTILE[expression]
    assert _messages(script=f"y = {expression}") == [
        f"hostile.bpmn:5 [script 'Skriptet']: the script is refused: {reason}"]
    assert _messages(condition=expression) == [
        f"hostile.bpmn:17 [f_cond]: the condition on the flow to 'Timern' is refused: {reason}"]
    assert _messages(timer=expression) == [
        f"hostile.bpmn:9 [timer 'Timern']: the timer expression {expression!r} is refused: {reason}"]


@pytest.mark.parametrize("script", sorted(HOSTILE_SCRIPTS))
def test_hostile_statement_is_refused_in_a_script(script: str) -> None:
    assert _messages(script=script) == [
        f"hostile.bpmn:5 [script 'Skriptet']: the script is refused: {HOSTILE_SCRIPTS[script]}"]


# Run-time limits, for what no compiler can see: each stops with its own message, quickly.
RUNTIME = {
    "while True:\n    pass": "the script took more than 100000 steps (a loop that does not end?)",
    "x = 10 ** 10 ** 10": "the script computes a number of about 40000000000 bits; at most 100000 are allowed",
    "x = 'x' * 10 ** 10": "the script builds a value of 10000000000 elements; at most 1000000 are allowed",
    "x = [0] * n": "the script builds a value of 10000000000 elements; at most 1000000 are allowed",
    "x = 1 << 10 ** 9": "the script computes a number of about 1000000001 bits; at most 100000 are allowed",
    "x = pow(10, 10 ** 9)": "the script computes a number of about 4000000000 bits; at most 100000 are allowed",
    "x = sum(range(10 ** 12))": "range() of 1000000000000 numbers; at most 1000000 are allowed",
    "x = 'a' * 999999\ny = x.replace('a', x)":
        "the script builds a value of 999998000001 elements; at most 1000000 are allowed",
    "x = ','.join(['y' * 1000000] * 1000)":
        "the script builds a value of 1000000999 elements; at most 1000000 are allowed",
    "x = '%1000000000d' % 1": "a %-format in the script asks for a field wider than 10000 characters",
    "x = 'a'.ljust(10 ** 10)": "the script builds a value of 10000000000 elements; at most 1000000 are allowed",
    "x = bytes(10 ** 10)": "the script builds a value of 10000000000 elements; at most 1000000 are allowed",
    "x = [1]\nfor i in range(40):\n    x.extend(x)":
        "the script builds a value of 1048576 elements; at most 1000000 are allowed",
    "x = 'a' * 100000\nfor i in range(30):\n    x += x":
        "the script builds a value of 1600000 elements; at most 1000000 are allowed",
    "x = [1]\nfor i in range(1000):\n    x = [x] * 999999": "the script builds more than 2000000 elements in all",
    "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(60)":
        "the script took more than 100000 steps (a loop that does not end?)",
    "x = [i for i in range(10 ** 6)]": "the script took more than 100000 steps (a loop that does not end?)",
}


@pytest.mark.parametrize("script", sorted(RUNTIME))
def test_runtime_limits_stop_a_script_with_a_plain_message(script: str) -> None:
    began = time.monotonic()
    with pytest.raises(Exception) as stopped:  # noqa: PT011 - the ScriptFailure, checked by its text
        SafeEnvironment().execute(script, {"n": 10 ** 10})
    assert str(stopped.value) == RUNTIME[script]
    assert time.monotonic() - began < 3


def test_ordinary_scripts_keep_working() -> None:
    context: dict[str, Any] = {"amounts": [100, 250], "name": "Förening"}
    SafeEnvironment().execute("total = sum(amounts)\nlabel = f'{name}: {total:>8} kr'\nn = 0\nwhile n < 5:\n"
                              "    n += 1\nsquares = [i * i for i in range(5)]\nwords = ', '.join(['a', 'b'])\n"
                              "big = 2 ** 64\ndef double(v):\n    return v * 2\ntwice = double(21)", context)
    assert context["total"] == 350 and context["label"] == "Förening:      350 kr" and context["n"] == 5
    assert context["squares"] == [0, 1, 4, 9, 16] and context["words"] == "a, b" and context["big"] == 2 ** 64
    assert context["twice"] == 42


def test_a_runtime_runaway_fails_only_its_case_with_an_incident(services: Services, people: Any) -> None:
    with services.unit_of_work() as session:
        services.engine.deploy(session, {"runtime_guard.bpmn": (HERE / "runtime_guard.bpmn").read_text("utf-8")})
    services.clock.set(local("2027-03-01 09:00"))  # type: ignore[attr-defined]
    modes = ["spin", "power", "wide", "recurse", "plain"]
    cases = {mode: start(services, "runtime_guard", {"mode": mode}) for mode in modes}
    began = time.monotonic()
    assert move(services, local("2027-03-03 09:00")) == 5  # each timer fired; a runaway then stops its own case
    assert time.monotonic() - began < 20
    with services.unit_of_work() as session:
        status = {mode: session.get(Case, case_id).status for mode, case_id in cases.items()}  # type: ignore[union-attr]
        incidents = {mode: [e.data for e in session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "incident"))]
            for mode, case_id in cases.items()}
    assert status == {"spin": "failed", "power": "failed", "wide": "failed", "recurse": "failed",
                      "plain": "completed"}
    expected = {"spin": "the script took more than 100000 steps (a loop that does not end?)",
                "power": "the script computes a number of about 40000000000 bits; at most 100000 are allowed",
                "wide": "the script builds a value of 10000000000 elements; at most 1000000 are allowed",
                "recurse": "the script took more than 100000 steps (a loop that does not end?)"}
    for mode, reason in expected.items():
        [incident] = incidents[mode]
        assert reason in incident["detail"], (mode, incident)
        assert incident["code"] == "limit", (mode, incident)
        assert incident_message(incident, "sv").endswith("tog för lång tid eller för mycket minne och stoppades.")
    assert incidents["plain"] == []


def test_a_runaway_after_a_task_keeps_the_completion_and_stops_only_its_case(services: Services,
                                                                            people: Any) -> None:
    from app.engine.definitions import bundle_from_directory
    from tests.timers.helpers import complete, open_tasks

    with services.unit_of_work() as session:
        services.engine.deploy(session, bundle_from_directory(HERE / "runtime_task.bpmn"))
    spinning = start(services, "runtime_task", {})
    healthy = start(services, "runtime_task", {})
    began = time.monotonic()
    complete(services, spinning, "choose", {"mode": "spin"})  # accepted; the script after it stops the case
    assert time.monotonic() - began < 20
    assert open_tasks(services, spinning) == []
    complete(services, healthy, "choose", {"mode": "plain"})
    with services.unit_of_work() as session:
        assert session.get(Case, healthy).status == "completed"  # type: ignore[union-attr]
        stopped = session.get(Case, spinning)
        assert stopped is not None and stopped.status == "failed"
        assert "the script took more than 100000 steps" in stopped.summary["incident"]["detail"]
