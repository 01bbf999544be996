"""A script environment for SpiffWorkflow that cannot reach the operating system.

SpiffWorkflow 3.2.0 runs conditions and scripts through plain eval/exec with all
builtins. Here every expression and script is compiled with RestrictedPython
(no imports, no dunder attributes, no `exec`/`open`), executed with guarded
attribute, item and iteration access, and a small set of documented helpers.
Task data is deep-copied before a script touches it, so nested edits cannot
leak into the data that earlier tasks recorded (3.2.0 copies data shallowly).
Every evaluation runs within the step, time and size limits of `app.engine.script_limits`.
"""

from __future__ import annotations

import builtins as _py_builtins
import copy
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from app.core.errors import ScriptFailure
from app.engine import sandbox_builtins, script_limits

_EXTRA_BUILTINS = {name: getattr(_py_builtins, name) for name in ("min", "max", "any", "all")}


def _builtins() -> dict[str, Any]:
    builtins = dict(safe_builtins)
    builtins.update(_EXTRA_BUILTINS)
    for name in sandbox_builtins.REMOVED_BUILTINS:  # no class statements, no complex numbers, ...
        builtins.pop(name, None)
    builtins.update(sandbox_builtins.CHECKED_BUILTINS)  # size-checked list(), sorted(), pow(), round(), ...
    return builtins


_BUILTINS = _builtins()


def _guards() -> dict[str, Any]:
    return {
        "__builtins__": _BUILTINS,
        "_getattr_": sandbox_builtins.guarded_getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": script_limits.getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": script_limits.inplace,
        "_binop_": script_limits.binop,
        "_tick_": script_limits.tick,
    }


def restriction_errors(source: str, mode: str) -> list[str]:
    """What RestrictedPython (with our limits) refuses in `source`: [] if it may run.

    mode is "eval" for conditions and timer expressions, "exec" for scripts."""
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(source, policy=script_limits.BudgetPolicy)
    except (ValueError, TypeError) as exc:  # e.g. NUL bytes in the source
        return [str(exc)]
    if result.errors or result.code is None:
        return list(result.errors) or ["the code cannot be compiled"]
    return []


@lru_cache(maxsize=4096)
def compile_expression(expression: str) -> CodeType:
    result = compile_restricted_eval(expression, policy=script_limits.BudgetPolicy)
    if result.errors or result.code is None:
        raise ScriptFailure(f"expression {expression!r} is not allowed: {'; '.join(result.errors)}")
    return result.code


@lru_cache(maxsize=1024)
def compile_script(script: str) -> CodeType:
    result = compile_restricted_exec(script, policy=script_limits.BudgetPolicy)
    if result.errors or result.code is None:
        raise ScriptFailure(f"script is not allowed: {'; '.join(result.errors)}")
    return result.code


def trial_evaluate(expression: str, helpers: Mapping[str, Any], names: Mapping[str, Any]) -> Any:
    """Evaluate an expression as the engine would, with `names` as the task data (used at deployment)."""
    code = compile_expression(expression.strip())
    scope = _guards()
    scope.update(helpers)
    with script_limits.budget():
        return eval(code, scope, names)  # noqa: S307 - restricted code


class _DataScope(Mapping[str, Any]):
    """Names in an expression: task data first, then helpers; a name nobody set reads as None."""

    def __init__(self, data: Mapping[str, Any], helpers: Mapping[str, Any]) -> None:
        self._data = data
        self._helpers = helpers

    def __getitem__(self, key: str) -> Any:
        if key in self._data:
            return self._data[key]
        if key in self._helpers or hasattr(_py_builtins, key):
            raise KeyError(key)  # fall through to helpers and (safe) builtins, or a NameError
        return None

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class SafeEnvironment(TaskDataEnvironment):
    """Drop-in replacement for TaskDataEnvironment with restricted evaluation."""

    def __init__(self, helpers: Mapping[str, Any] | None = None,
                 service_caller: Callable[..., Any] | None = None) -> None:
        super().__init__(dict(helpers or {}))
        self._service_caller = service_caller

    def _globals(self, external_context: Mapping[str, Any] | None) -> dict[str, Any]:
        scope = _guards()
        scope.update(self.globals)
        scope.update(external_context or {})
        return scope

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        code = compile_expression(expression.strip())
        scope = self._globals(external_context)
        with script_limits.budget():
            return eval(code, scope, _DataScope(context, scope))  # noqa: S307 - restricted code

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        self.check_for_overwrite(context, external_context or {})
        code = compile_script(script)
        for key, value in list(context.items()):
            context[key] = copy.deepcopy(value)
        # data stored before (by a handler, or before this check existed) is not this script's doing
        inherited = {key for key, value in context.items() if sandbox_builtins.json_problem(value)}
        scope = self._globals(external_context)
        before = set(scope)
        scope.update(context)
        with script_limits.budget():
            exec(code, scope)  # noqa: S102 - restricted code
        results = {key: value for key, value in scope.items()
                   if key not in before and not key.startswith("_") and not callable(value)}
        for key, value in results.items():
            if key not in inherited:
                sandbox_builtins.check_json(key, value)  # task data stays JSON: refused here, not at saving
        context.update(results)
        for key in list(context):
            if key not in scope:
                context.pop(key)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        if self._service_caller is None:
            raise ScriptFailure("no service handlers are configured")
        return self._service_caller(context, **kwargs)
