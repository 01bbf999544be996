"""Limits on one evaluation of a diagram expression or script: steps, time and sizes.

RestrictedPython stops scripts from reaching the operating system, but not from running forever
(`while True: pass`) or from asking for a huge value (`10**10**10`, `'x' * 10**10`). We cannot
interrupt a thread from outside, so the limits are checked from inside the restricted code:

* `BudgetPolicy` (a RestrictedPython policy) inserts a call to `_tick_()` at the top of every
  `while` body, function body and lambda; `for` loops and comprehensions already call `_getiter_`,
  whose iterator ticks per item. Each tick counts a step and looks at the wall clock.
* The operators that can make a value explode (`**`, `*`, `<<`, `+`, `%`) are compiled into calls
  of `_binop_`, which estimates the size of the result before computing it; `range`, `pow`,
  `bytes`, `sum` and the padding/joining string methods are replaced by checked versions.
* Computed f-string format specifications (`f"{x:{width}}"`), `str.format`, `type()`,
  `getattr()` and friends are refused when the code is compiled, so a diagram that uses them
  is refused at deployment with the element named.

Every evaluation (`budget()`) gets MAX_STEPS steps, MAX_SECONDS of wall clock and MAX_CELLS
elements or characters in all the sequences it builds; one sequence is at most MAX_SIZE long and
an integer at most MAX_INT_BITS bits. Exceeding a limit raises ScriptFailure, which the engine
reports as the case's failure (a 422 for the person acting, an incident for the timer sweep).
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from RestrictedPython import RestrictingNodeTransformer

from app.core.errors import ScriptFailure

MAX_STEPS = 100_000
MAX_SECONDS = 2.0
MAX_SIZE = 1_000_000
MAX_CELLS = 2_000_000
MAX_INT_BITS = 100_000
MAX_FORMAT_WIDTH = 10_000
# pow(base, exp, mod) costs about bits(exp) * bits(mod)**2 machine operations in one native call that
# holds the interpreter: 2048-bit operands (~8.6e9) take ~15 ms, 20,000-bit ones (8e12) 22 seconds.
MAX_POW_COST = 10_000_000_000
MAX_ROUND_DIGITS = 1_000  # round(1, -10**6) builds 10**1000000 natively
MAX_DEPTH = 100  # nesting of lists and records in task data

# Calls that would reach around the sandbox, or are pointless in a diagram; refused at compile time.
FORBIDDEN_CALLS = frozenset({
    "getattr", "setattr", "delattr", "hasattr", "type", "vars", "dir", "globals", "locals", "eval", "exec",
    "compile", "open", "input", "help", "memoryview", "object", "super", "classmethod", "staticmethod",
    "property", "breakpoint", "__import__", "format", "iter", "next", "id",
})
FORBIDDEN_METHODS = frozenset({"format", "format_map", "mro"})


@dataclass
class _Budget:
    steps: int
    cells: int
    deadline: float


_BUDGET: ContextVar[_Budget | None] = ContextVar("iop_script_budget", default=None)


@contextmanager
def budget() -> Iterator[None]:
    """One evaluation's limits; nested evaluations share the outer one."""
    if _BUDGET.get() is not None:
        yield
        return
    token = _BUDGET.set(_Budget(MAX_STEPS, MAX_CELLS, time.monotonic() + MAX_SECONDS))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _current() -> _Budget:
    found = _BUDGET.get()
    if found is None:  # code run outside budget(): per-operation size limits only
        return _Budget(MAX_STEPS, MAX_CELLS, time.monotonic() + MAX_SECONDS)
    return found


def tick() -> None:
    current = _current()
    current.steps -= 1
    if current.steps < 0:
        raise ScriptFailure(f"the script took more than {MAX_STEPS} steps (a loop that does not end?)")
    if time.monotonic() > current.deadline:
        raise ScriptFailure(f"the script ran longer than {MAX_SECONDS:g} seconds (a loop that does not end?)")


def _charge(size: int) -> None:
    if size > MAX_SIZE:
        raise ScriptFailure(f"the script builds a value of {size} elements; at most {MAX_SIZE} are allowed")
    current = _current()
    current.cells -= size
    if current.cells < 0:
        raise ScriptFailure(f"the script builds more than {MAX_CELLS} elements in all")


charge = _charge


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise ScriptFailure(f"the script computes a number of about {bits} bits; at most {MAX_INT_BITS} are allowed")


def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | bytearray | list | tuple)


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def binop(op: str, left: Any, right: Any) -> Any:
    """`left op right` for the operators that can blow up, after estimating the result's size."""
    if op == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            _check_bits(left.bit_length() * right)
        return left ** right
    if op == "<<":
        if isinstance(left, int) and isinstance(right, int) and left:
            _check_bits(left.bit_length() + right)
        return left << right
    if op == "*":
        if isinstance(left, int) and isinstance(right, int):
            _check_bits(left.bit_length() + right.bit_length())
        elif _sized(left) and isinstance(right, int):
            _charge(len(left) * max(right, 0))
        elif _sized(right) and isinstance(left, int):
            _charge(len(right) * max(left, 0))
        return left * right
    if op == "+":
        if _sized(left) and _sized(right):
            _charge(len(left) + len(right))
        return left + right
    if op == "%":
        if isinstance(left, str | bytes):
            text = left.decode("latin-1") if isinstance(left, bytes) else left
            for width, precision in _PERCENT_SPEC.findall(text):
                for number in (width, precision):
                    if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                        raise ScriptFailure("a %-format in the script asks for a field wider than "
                                            f"{MAX_FORMAT_WIDTH} characters")
        return left % right
    raise ScriptFailure(f"the operator {op} is not allowed in diagram scripts")


def inplace(op: str, left: Any, right: Any) -> Any:
    """`left op= right` (RestrictedPython's _inplacevar_)."""
    if op in ("+=", "*=", "**=", "%=", "<<="):
        return binop(op[:-1], left, right)
    plain: dict[str, Callable[[Any, Any], Any]] = {
        "-=": lambda a, b: a - b, "/=": lambda a, b: a / b, "//=": lambda a, b: a // b,
    }
    if op not in plain:
        raise ScriptFailure(f"the operator {op} is not allowed in diagram scripts")
    return plain[op](left, right)


class _CountingIterator:
    def __init__(self, inner: Iterator[Any]) -> None:
        self._inner = inner

    def __iter__(self) -> _CountingIterator:
        return self

    def __next__(self) -> Any:
        tick()
        return next(self._inner)


def getiter(value: Iterable[Any]) -> Iterator[Any]:
    """RestrictedPython's `_getiter_`: every item of a loop or comprehension is a step."""
    return _CountingIterator(iter(value))


def limited_range(*args: int) -> range:
    span = range(*args)
    if len(span) > MAX_SIZE:
        raise ScriptFailure(f"range() of {len(span)} numbers; at most {MAX_SIZE} are allowed")
    return span


def limited_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    if mod is not None:
        if isinstance(exp, int) and isinstance(mod, int):
            cost = max(exp.bit_length(), 1) * max(mod.bit_length(), 1) ** 2
            if cost > MAX_POW_COST:
                raise ScriptFailure(f"pow() with a modulus of {mod.bit_length()} bits and an exponent of "
                                    f"{exp.bit_length()} bits is too costly for a diagram script")
        return pow(base, exp, mod)
    return binop("**", base, exp)


def limited_round(number: Any, ndigits: Any = None) -> Any:
    if ndigits is None:
        return round(number)
    if isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise ScriptFailure(f"round() to {ndigits} digits; at most {MAX_ROUND_DIGITS} either way are allowed")
    return round(number, ndigits)


def limited_bytes(*args: Any) -> bytes:
    if args and isinstance(args[0], int):
        _charge(args[0])
    return bytes(*args)


def limited_sum(values: Iterable[Any], start: Any = 0) -> Any:
    if not isinstance(start, int | float):
        raise ScriptFailure("sum() adds numbers only in diagram scripts")
    return sum(values, start)


def _checked_join(text: str | bytes) -> Callable[[Iterable[Any]], Any]:
    def join(items: Iterable[Any]) -> Any:
        parts = list(items)
        _charge(sum(len(p) for p in parts if _sized(p)) + len(text) * max(len(parts) - 1, 0))
        return text.join(parts)

    return join


def _checked_replace(text: str | bytes) -> Callable[..., Any]:
    def replace(old: Any, new: Any, count: int = -1) -> Any:
        hits = text.count(old) if old else len(text) + 1
        if count >= 0:
            hits = min(hits, count)
        _charge(len(text) + hits * max(len(new) - len(old), 0))
        return text.replace(old, new, count)

    return replace


def _checked_pad(text: str | bytes, name: str) -> Callable[..., Any]:
    method = getattr(text, name)

    def pad(width: int, *rest: Any) -> Any:
        _charge(int(width))
        return method(width, *rest)

    return pad


def _checked_extend(items: list[Any]) -> Callable[[Iterable[Any]], None]:
    def extend(more: Iterable[Any]) -> None:
        values = list(more)
        _charge(len(items) + len(values))
        items.extend(values)

    return extend


def checked_method(obj: Any, name: str) -> Any | None:
    """A size-checked stand-in for a method that can build a huge value, or None."""
    if isinstance(obj, str | bytes):
        if name == "join":
            return _checked_join(obj)
        if name == "replace":
            return _checked_replace(obj)
        if name in ("ljust", "rjust", "center", "zfill"):
            return _checked_pad(obj, name)
        if name == "expandtabs":
            raise ScriptFailure("expandtabs() is not available in diagram scripts")
    if isinstance(obj, list) and name == "extend":
        return _checked_extend(obj)
    return None


def _tick_call() -> ast.Call:
    return ast.Call(func=ast.Name("_tick_", ast.Load()), args=[], keywords=[])


def _located(new: Any, old: ast.AST) -> Any:
    return ast.fix_missing_locations(ast.copy_location(new, old))


_GUARDED_OPS = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Add: "+", ast.Mod: "%"}
_WIDTH = re.compile(r"\d+")


class BudgetPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus step ticks, guarded operators and a few refused calls."""

    def visit_Import(self, node: ast.Import) -> Any:
        self.error(node, "Imports are not allowed in diagram scripts.")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self.error(node, "Imports are not allowed in diagram scripts.")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self.error(node, "Class statements are not allowed in diagram scripts.")
        return node

    def visit_While(self, node: ast.While) -> Any:
        node = cast(ast.While, super().visit_While(node))
        node.body.insert(0, _located(ast.Expr(_tick_call()), node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        node = cast(ast.FunctionDef, super().visit_FunctionDef(node))
        node.body.insert(0, _located(ast.Expr(_tick_call()), node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        node = cast(ast.Lambda, super().visit_Lambda(node))
        node.body = _located(ast.BoolOp(op=ast.Or(), values=[_tick_call(), node.body]), node.body)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = cast(ast.BinOp, super().visit_BinOp(node))
        symbol = _GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(func=ast.Name("_binop_", ast.Load()), args=[ast.Constant(symbol), node.left, node.right],
                        keywords=[])
        return _located(call, node)

    def visit_Call(self, node: ast.Call) -> Any:
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
            self.error(node, f"{func.id}() is not available in diagram expressions.")
        if isinstance(func, ast.Attribute) and func.attr in FORBIDDEN_METHODS:
            self.error(node, f".{func.attr}() is not available in diagram expressions; use an f-string.")
        return super().visit_Call(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        spec = node.format_spec
        if isinstance(spec, ast.JoinedStr):
            for part in spec.values:
                if not isinstance(part, ast.Constant):
                    self.error(node, "A computed format in an f-string is not allowed.")
                elif any(int(w) > MAX_FORMAT_WIDTH for w in _WIDTH.findall(str(part.value))):
                    self.error(node, f"An f-string field wider than {MAX_FORMAT_WIDTH} characters is not allowed.")
        return super().visit_FormattedValue(node)
