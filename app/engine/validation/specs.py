"""Checks on what SpiffWorkflow parsed: the expressions that will run, timers, service operations.

They look at the parsed specs rather than at the XML, so they see the expressions the engine will
really evaluate (after a dialect such as Camunda's has rewritten them).

* Every script, condition, timer, service parameter and loop expression is compiled as the engine
  compiles it (RestrictedPython with our limits): imports, dunder attributes, `getattr`, `type()`,
  `str.format` and the like are refused here, naming the element.
* Every timer expression is tried with sample data: names it reads that nothing has set are a
  sample value that works as a date ("2027-01-01"), a number and a nested record; the result must
  be the kind of value its timer needs (a date, a duration, a cycle).
* Every service task must name an operation a handler in handlers/ provides.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from app.core import calendar
from app.core.clock import ManualClock
from app.core.errors import Problem, ScriptFailure
from app.engine.expression_helpers import build_helpers
from app.engine.safe_expressions import restriction_errors, trial_evaluate
from app.engine.sandbox import SandboxUnavailable, shared_sandbox
from app.engine.sandbox_builtins import allow_attributes, not_json_message
from app.engine.timer_clock import as_instant

SAMPLE_DATE = "2027-01-01"
_BARE_ISO = re.compile(r"^(R\d*/)?(P[\dYMWDTHS.,]+|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)"
                       r"(/P[\dYMWDTHS.]+)?$", re.IGNORECASE)

Locate = Callable[[str | None], Problem]
log = logging.getLogger(__name__)


class SampleValue(str):
    """A value nobody has set yet, at deployment: a date, a number and a record all at once."""

    def __new__(cls) -> SampleValue:
        return super().__new__(cls, SAMPLE_DATE)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int | slice):
            return str.__getitem__(self, key)
        return SampleValue()

    def get(self, key: Any, default: Any = None) -> Any:
        return SampleValue()

    def __int__(self) -> int:
        return 1

    def __float__(self) -> float:
        return 1.0

    def __index__(self) -> int:
        return 1

    # With a number it counts as the number 1; with text it is the sample date's text.
    def __add__(self, other: Any) -> Any:
        return 1 + other if isinstance(other, int | float) else str.__add__(self, other)

    def __radd__(self, other: Any) -> Any:
        return other + 1 if isinstance(other, int | float) else str(other) + str(self)

    def __mul__(self, other: Any) -> Any:
        return 1 * other if isinstance(other, int | float) else str.__mul__(self, other)

    __rmul__ = __mul__

    def __sub__(self, other: Any) -> Any:
        return 1 - other

    def __rsub__(self, other: Any) -> Any:
        return other - 1

    def __truediv__(self, other: Any) -> Any:
        return 1 / other

    def __rtruediv__(self, other: Any) -> Any:
        return other / 1


allow_attributes(SampleValue, {"get"})


class _SampleScope(Mapping[str, Any]):
    """Task data at deployment: every name reads as a sample value, except helpers and builtins."""

    def __init__(self, helpers: Mapping[str, Any]) -> None:
        self._helpers = helpers

    def __getitem__(self, key: str) -> Any:
        if key.startswith("_") or key in self._helpers or key in ("True", "False", "None") or _is_builtin(key):
            raise KeyError(key)
        return SampleValue()

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _is_builtin(name: str) -> bool:
    from app.engine.safe_expressions import _BUILTINS

    return name in _BUILTINS


def all_specs(spec: Any, subprocess_specs: Mapping[str, Any]) -> Iterator[Any]:
    yield spec
    yield from subprocess_specs.values()


def task_specs(spec: Any, subprocess_specs: Mapping[str, Any]) -> Iterator[Any]:
    seen: set[int] = set()
    for process in all_specs(spec, subprocess_specs):
        if process is None:
            continue
        for task_spec in process.task_specs.values():
            if id(task_spec) not in seen and getattr(task_spec, "bpmn_id", None):
                seen.add(id(task_spec))
                yield task_spec


def _refusal(kind: str, errors: list[str], source: str = "") -> str:
    text = source.strip()
    if text.startswith("="):
        return (f"{kind} is written in FEEL ({text!r}, as Camunda 8 writes it); write a Python expression such "
                "as amount > 5000")
    if "${" in text or "#{" in text:
        return (f"{kind} is written as ${{...}} ({text!r}, JUEL as Camunda 7 and Flowable write it); write a "
                "Python expression such as approved == True")
    return f"{kind} is refused: {' '.join(errors)}"


def expression_problems(spec: Any, subprocess_specs: Mapping[str, Any], locate: Locate,
                        flow_between: Callable[[str, str], str | None] = lambda source, target: None,
                        ) -> list[Problem]:
    """Problems of the expressions; a condition's problem is placed on its sequence flow."""
    problems = []
    for task_spec in task_specs(spec, subprocess_specs):
        at = task_spec.bpmn_id

        def check(kind: str, source: Any, mode: str, element: str | None = at) -> None:
            if not isinstance(source, str) or not source.strip():
                return
            errors = restriction_errors(source if mode == "exec" else source.strip(), mode)
            if errors:
                problems.append(_with(locate(element), _refusal(kind, errors, source), "expression_refused"))

        check("the script", getattr(task_spec, "script", None), "exec")
        for attr in ("script", "prescript", "postscript"):
            for message in stored_value_problems(getattr(task_spec, attr, None)):
                problems.append(_with(locate(at), message, "script_result_not_json"))
        check("the script run before the task (preScript)", getattr(task_spec, "prescript", None), "exec")
        check("the script run after the task (postScript)", getattr(task_spec, "postscript", None), "exec")
        for condition, target in getattr(task_spec, "cond_task_specs", None) or []:
            target_spec = task_spec._wf_spec.task_specs.get(target)
            label = getattr(target_spec, "bpmn_name", None) or getattr(target_spec, "bpmn_id", None) or target
            text = condition.args[0] if getattr(condition, "args", None) else condition  # a _BpmnCondition
            flow = flow_between(at, getattr(target_spec, "bpmn_id", None) or target)
            check(f"the condition on the flow to '{label}'", text, "eval", flow or at)
        for name, param in (getattr(task_spec, "operation_params", None) or {}).items():
            value = param.get("value") if isinstance(param, dict) else param
            check(f"the value of the service parameter '{name}'", value, "eval")
        for attr, kind in (("cardinality", "the loop cardinality"), ("condition", "the loop's completion condition")):
            check(kind, getattr(task_spec, attr, None), "eval")
        for timer in _timers(task_spec):
            expression = timer.expression
            errors = restriction_errors(str(expression or "").strip(), "eval") if expression else ["it is empty."]
            if errors:
                problems.append(_with(locate(at), _timer_refusal(str(expression or ""), errors), "timer_invalid"))
                continue
            reason = _timer_trial(timer)
            if reason:
                problems.append(_with(locate(at), f"the timer expression {expression!r} cannot be used: {reason}",
                                      "timer_invalid"))
    return problems


_CALLS_MAKING = {"range": "a range", "bytes": "bytes", "bytearray": "bytes", "set": "a set", "frozenset": "a set",
                 "complex": "a complex number"}


def _literal_kind(node: ast.AST) -> str | None:
    """What kind of value task data cannot hold `node` plainly makes, or None."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bytes):
            return "bytes"
        if isinstance(node.value, complex):
            return "a complex number"
    if isinstance(node, ast.BinOp):
        kinds = {_literal_kind(node.left), _literal_kind(node.right)}
        return "a complex number" if "a complex number" in kinds else None
    if isinstance(node, ast.UnaryOp):
        return _literal_kind(node.operand)
    if isinstance(node, ast.Set | ast.SetComp):
        return "a set"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _CALLS_MAKING.get(node.func.id)
    return None


def stored_value_problems(script: Any) -> list[str]:
    """Assignments in a script of values the case data (JSON) cannot hold, seen without running it.

    Only what is plain in the text (`x = b"..."`, `x = 1 + 2j`, `x = {1, 2}`, `x = range(3)`); a
    name the script deletes again is not stored. The rest is refused when the script runs."""
    if not isinstance(script, str) or not script.strip():
        return []
    try:
        tree = ast.parse(script)
    except (SyntaxError, ValueError):
        return []  # reported by the compile check
    deleted = {target.id for node in ast.walk(tree) if isinstance(node, ast.Delete)
               for target in node.targets if isinstance(target, ast.Name)}
    found: list[str] = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        kind = _literal_kind(value) if targets else None
        for target in targets:
            if kind and isinstance(target, ast.Name) and target.id not in deleted:
                found.append(not_json_message(kind, target.id))
    return found


def _with(problem: Problem, message: str, code: str) -> Problem:
    return Problem(file=problem.file, line=problem.line, element_id=problem.element_id,
                   element_name=problem.element_name, message=message, code=code)


def _timers(task_spec: Any) -> Iterator[TimerEventDefinition]:
    definition = getattr(task_spec, "event_definition", None)
    for candidate in getattr(definition, "event_definitions", None) or [definition]:
        if isinstance(candidate, TimerEventDefinition):
            yield candidate


def _timer_refusal(expression: str, errors: list[str]) -> str:
    text = expression.strip()
    if "${" in text or "#{" in text:
        return (f"the timer expression {text!r} is written as ${{...}} (JUEL, as Camunda Modeler writes); "
                "write a Python expression such as \"P14D\" or add_days(start_date, 14)")
    if _BARE_ISO.match(text):
        return f"the timer expression {text!r} needs quotes: write \"{text}\" (timer texts are expressions)"
    return _refusal(f"the timer expression {text!r}", errors)


_TIMER_KINDS: dict[type, str] = {TimeDateEventDefinition: "date", DurationTimerEventDefinition: "duration",
                                  CycleTimerEventDefinition: "cycle"}
_KIND_TEXT = {"date": "a date", "duration": "a duration such as \"P14D\"",
              "cycle": "a cycle such as \"R5/2027-01-31/P1M\""}


def _timer_trial(timer: TimerEventDefinition) -> str | None:
    """Why the timer's expression gives no usable value with sample data, or None.

    The expression is untrusted: it is tried in the sandbox worker (app.engine.sandbox), with OS
    limits on memory and CPU, so that nothing it does can stall or bloat the server."""
    expression = str(timer.expression).strip()
    if _BARE_ISO.match(expression):
        return f"it needs quotes: write \"{expression}\" (timer texts are expressions)"
    kind = _TIMER_KINDS.get(type(timer), "time")
    try:
        result = shared_sandbox().call("timer_trial", kind, expression)
    except ScriptFailure as exc:
        return str(exc)
    except SandboxUnavailable as exc:
        log.warning("the expression worker is unavailable (%s); the timer is tried in-process", exc)
        return timer_trial(kind, expression)
    return None if result is None else str(result)


def sample_evaluate(expression: str) -> Any:
    """The value of `expression` with sample data, as validation sees it."""
    clock = ManualClock(datetime(2027, 1, 1, 9, 0, tzinfo=UTC))
    return trial_evaluate(expression, build_helpers(clock), _SampleScope(build_helpers(clock)))


def timer_trial(kind: str, expression: str) -> str | None:
    """Why `expression` gives no usable timer value of `kind` (date, duration, cycle) with sample data."""
    clock = ManualClock(datetime(2027, 1, 1, 9, 0, tzinfo=UTC))
    try:
        value = sample_evaluate(expression)
    except ScriptFailure as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - whatever the expression raises is its problem
        return f"with sample data it fails: {type(exc).__name__}: {exc}"
    try:
        if kind == "date":
            if isinstance(value, str) and value.strip().upper().startswith("P"):
                calendar.parse_duration(value)
            else:
                as_instant(value, clock.tz)
        elif kind == "duration":
            calendar.parse_duration(str(value))
        elif kind == "cycle":
            _check_cycle(str(value), clock.tz)
    except (ValueError, TypeError, OverflowError) as exc:
        return f"with sample data it gives {str(value)[:80]!r}, which is not {_KIND_TEXT.get(kind, 'a time')} ({exc})"
    return None


def _check_cycle(text: str, tz: Any) -> None:
    parts = text.strip().upper().split("/")
    if len(parts) not in (2, 3) or not parts[0].startswith("R") or not (parts[0][1:] or "0").isdigit():
        raise ValueError("write R[n]/start/period or R[n]/period")
    step = calendar.parse_duration(parts[-1])
    if len(parts) == 3:
        as_instant(parts[1], tz)
    if step.is_zero():
        raise ValueError("the period of a cycle cannot be zero")


def operation_problems(spec: Any, subprocess_specs: Mapping[str, Any], locate: Locate,
                       operations: Collection[str]) -> list[Problem]:
    problems = []
    known = ", ".join(sorted(operations)) or "(none)"
    for task_spec in task_specs(spec, subprocess_specs):
        if getattr(task_spec, "bpmn_id", None) is None or type(task_spec).__name__ != "ServiceTask":
            continue
        name = getattr(task_spec, "operation_name", None)
        if not name:
            problems.append(_with(locate(task_spec.bpmn_id), "the service task names no operation for the engine "
                                                             f"to call; the handlers provide: {known}",
                                  "service_no_operation"))
        elif name not in operations:
            problems.append(_with(locate(task_spec.bpmn_id), f"no handler in handlers/ provides the operation "
                                                             f"'{name}'; the handlers provide: {known}",
                                  "unknown_operation"))
    return problems
