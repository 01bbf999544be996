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
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

from app.core.errors import Problem, ScriptFailure
from app.engine.safe_expressions import restriction_errors
from app.engine.sample_trials import timer_trial
from app.engine.sandbox import SandboxUnavailable, shared_sandbox
from app.engine.sandbox_builtins import not_json_message

_BARE_ISO = re.compile(r"^(R\d*/)?(P[\dYMWDTHS.,]+|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)"
                       r"(/P[\dYMWDTHS.]+)?$", re.IGNORECASE)

Locate = Callable[[str | None], Problem]
log = logging.getLogger(__name__)


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
        problems.extend(_with(locate(task_spec.bpmn_id), f"the parameter '{param}' names a municipality "
                                                         "(municipality=...): the handlers take it from the case, "
                                                         "so one diagram serves every municipality",
                              "service_names_municipality")
                        for param in _naming_municipality(getattr(task_spec, "operation_params", None)))
    return problems


_NAMES_MUNICIPALITY = re.compile(r"(?<![\w.])municipality\s*=(?!=)|[\"']municipality[\"']\s*:")


def _naming_municipality(params: Any) -> list[str]:
    """The service task's parameters whose expression passes a `municipality` (as a keyword or a dict key)."""
    found = []
    for param, spec in (params or {}).items():
        value = spec.get("value") if isinstance(spec, dict) else spec
        if isinstance(value, str) and _NAMES_MUNICIPALITY.search(value):
            found.append(str(param))
    return found
