"""Deny by default: the builtins and attributes a diagram expression may use, each with a bounded cost.

Python cannot interrupt a native call, and one native call holds the interpreter lock: while
`pow(3, 2**20000, 2**20000 + 1)` computes, every other request of the server waits. The step and
clock checks of `script_limits` only run between calls, so every call that can compute or build
something large is bounded here *before* it runs, from its actual arguments:

* builtins that build a container (`list`, `tuple`, `set`, `dict`, `sorted`) charge the elements
  they build against the evaluation's budget; lazy ones (`map`, `filter`, `zip`, `enumerate`,
  `reversed`) pull their input through the step-counting iterator. `pow` with a modulus and `round`
  are bounded in `script_limits`.
* attributes: only the methods listed in ALLOWED_ATTRIBUTES, per type, for the values task data
  holds (text, numbers, lists, records, dates). Everything else (`int.to_bytes`, `dict.fromkeys`,
  `str.encode`, any attribute of a type or function) is refused with a plain message. Methods that
  can build a large value are size-checked (`script_limits.checked_method`, `_charging_method`).
* `check_json`: what a script leaves in the task data must be JSON (text, finite numbers, booleans,
  None, lists and records with text keys, nested at most MAX_DEPTH deep).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from RestrictedPython.Guards import safer_getattr

from app.core.errors import ScriptFailure
from app.engine import script_limits

_SIZED_NATIVE: tuple[type, ...] = (str, bytes, list, tuple, dict, set, frozenset, range, type({}.keys()),
                                   type({}.values()), type({}.items()))

# Methods a diagram may call, per type (looked up along the value's class hierarchy).
ALLOWED_ATTRIBUTES: dict[type, frozenset[str]] = {
    str: frozenset({
        "capitalize", "casefold", "center", "count", "endswith", "find", "index", "isalnum", "isalpha",
        "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join", "ljust",
        "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust",
        "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
        "upper", "zfill"}),
    list: frozenset({"append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse",
                     "sort"}),
    tuple: frozenset({"count", "index"}),
    dict: frozenset({"clear", "copy", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values"}),
    set: frozenset({"add", "clear", "copy", "difference", "discard", "intersection", "isdisjoint", "issubset",
                    "issuperset", "pop", "remove", "symmetric_difference", "union", "update"}),
    frozenset: frozenset({"copy", "difference", "intersection", "isdisjoint", "issubset", "issuperset",
                          "symmetric_difference", "union"}),
    int: frozenset({"bit_length", "real", "imag", "numerator", "denominator"}),
    float: frozenset({"is_integer", "real", "imag"}),
    date: frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday"}),
    datetime: frozenset({"hour", "minute", "second", "microsecond", "date", "tzinfo"}),
    time: frozenset({"hour", "minute", "second", "microsecond", "isoformat"}),
    timedelta: frozenset({"days", "seconds", "microseconds", "total_seconds"}),
}
# Methods whose result is charged after the call (its size is bounded by what was already charged).
_CHARGED_AFTER = frozenset({"split", "rsplit", "splitlines", "copy", "union", "difference", "intersection",
                            "symmetric_difference"})


def allow_attributes(cls: type, names: Iterable[str]) -> None:
    """Let diagrams use these attributes of `cls` (e.g. the sample value of validation)."""
    ALLOWED_ATTRIBUTES[cls] = ALLOWED_ATTRIBUTES.get(cls, frozenset()) | frozenset(names)


def _allowed(obj: Any, name: str) -> bool:
    if isinstance(obj, type):
        return False  # dict.fromkeys, int.from_bytes, str.maketrans, ...
    return any(name in ALLOWED_ATTRIBUTES.get(cls, ()) for cls in type(obj).__mro__)


def _charging_method(method: Callable[..., Any]) -> Callable[..., Any]:
    def charged(*args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        if isinstance(result, _SIZED_NATIVE):
            script_limits.charge(len(cast(Sized, result)))
        return result

    return charged


def guarded_getattr(obj: Any, name: str, default: Any = None) -> Any:
    """RestrictedPython's `_getattr_`: listed attributes only, size-checked where they can build much."""
    checked = script_limits.checked_method(obj, name)
    if checked is not None:
        return checked
    if not _allowed(obj, name):
        kind = obj.__name__ if isinstance(obj, type) else type(obj).__name__
        raise ScriptFailure(f"{kind}.{name} is not available in diagram scripts")
    value = safer_getattr(obj, name, default)
    if name in _CHARGED_AFTER and callable(value):
        return _charging_method(value)
    return value


# ------------------------------------------------------------------------------------------- builtins
class _ChargingIterator:
    """Items pulled from a lazy iterable into a container: each is a step and an element built."""

    def __init__(self, inner: Iterator[Any]) -> None:
        self._inner = inner

    def __iter__(self) -> _ChargingIterator:
        return self

    def __next__(self) -> Any:
        script_limits.tick()
        item = next(self._inner)
        script_limits.charge(1)
        return item


def _charged(value: Any) -> Any:
    """`value` ready to be copied into a new container, its elements charged."""
    if isinstance(value, _SIZED_NATIVE) or isinstance(value, Mapping):
        script_limits.charge(len(cast(Sized, value)))
        return value
    return _ChargingIterator(iter(value))


class _BuiltinType(type):
    """The metaclass of a checked stand-in for a builtin type: `isinstance(x, list)` keeps working."""

    wrapped: type
    build: Callable[..., Any]

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, cls.wrapped)

    def __subclasscheck__(cls, subclass: Any) -> bool:
        return isinstance(subclass, type) and issubclass(subclass, cls.wrapped)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.build(*args, **kwargs)

    def __repr__(cls) -> str:
        return f"<class '{cls.wrapped.__name__}'>"


def _stand_in(wrapped: type, build: Callable[..., Any]) -> type:
    return _BuiltinType(wrapped.__name__, (), {"wrapped": wrapped, "build": staticmethod(build)})


def _build_list(*args: Any) -> list[Any]:
    return list(_charged(args[0])) if args else []


def _build_tuple(*args: Any) -> tuple[Any, ...]:
    return tuple(_charged(args[0])) if args else ()


def _build_set(*args: Any) -> set[Any]:
    return set(_charged(args[0])) if args else set()


def _build_frozenset(*args: Any) -> frozenset[Any]:
    return frozenset(_charged(args[0])) if args else frozenset()


def _build_dict(*args: Any, **kwargs: Any) -> dict[Any, Any]:
    script_limits.charge(len(kwargs))
    return dict(_charged(args[0]), **kwargs) if args else dict(**kwargs)


def _sorted(values: Iterable[Any], *, key: Callable[[Any], Any] | None = None, reverse: bool = False) -> list[Any]:
    items = list(_charged(values))
    items.sort(key=key, reverse=reverse)
    return items


def _map(function: Callable[..., Any], *iterables: Iterable[Any]) -> Iterator[Any]:
    return map(function, *(script_limits.getiter(i) for i in iterables))


def _filter(function: Callable[[Any], Any] | None, iterable: Iterable[Any]) -> Iterator[Any]:
    return filter(function, script_limits.getiter(iterable))


def _zip(*iterables: Iterable[Any], strict: bool = False) -> Iterator[Any]:
    return zip(*(script_limits.getiter(i) for i in iterables), strict=strict)


def _enumerate(iterable: Iterable[Any], start: int = 0) -> Iterator[Any]:
    return enumerate(script_limits.getiter(iterable), start)


def _reversed(sequence: Any) -> Iterator[Any]:
    return script_limits.getiter(reversed(sequence))


CHECKED_BUILTINS: dict[str, Any] = {
    "list": _stand_in(list, _build_list), "tuple": _stand_in(tuple, _build_tuple),
    "set": _stand_in(set, _build_set), "frozenset": _stand_in(frozenset, _build_frozenset),
    "dict": _stand_in(dict, _build_dict), "sorted": _sorted, "map": _map, "filter": _filter, "zip": _zip,
    "enumerate": _enumerate, "reversed": _reversed,
    "range": script_limits.limited_range, "pow": script_limits.limited_pow, "round": script_limits.limited_round,
    "bytes": script_limits.limited_bytes, "sum": script_limits.limited_sum,
}
# Builtins a diagram does without: they make values task data cannot hold, or reach around the sandbox.
REMOVED_BUILTINS = ("complex", "__build_class__", "setattr", "delattr", "id")


# ------------------------------------------------------------------------------------------ task data
def _kind(value: Any) -> str:
    return {complex: "a complex number", range: "a range", bytes: "bytes", bytearray: "bytes",
            set: "a set", frozenset: "a set"}.get(type(value), f"a {type(value).__name__} value")


def json_problem(value: Any, depth: int = 0) -> str | None:
    """Why `value` cannot be stored as task data (JSON), or None."""
    if value is None or isinstance(value, bool | int | str):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"the number {value} (only finite numbers are data)"
    if depth >= MAX_DEPTH:
        return f"lists or records nested more than {MAX_DEPTH} deep"
    if isinstance(value, list | tuple):
        for item in value:
            problem = json_problem(item, depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"a record with the key {key!r}, which is not text"
            problem = json_problem(item, depth + 1)
            if problem:
                return problem
        return None
    return _kind(value)


MAX_DEPTH = script_limits.MAX_DEPTH


def check_json(name: str, value: Any) -> None:
    """Refuse a script's result that task data (JSON) cannot hold, naming the variable."""
    problem = json_problem(value)
    if problem is not None:
        raise ScriptFailure(not_json_message(problem, name))


def not_json_message(problem: str, name: str) -> str:
    return (f"the script stores {problem} in '{name}'; case data holds only text, numbers, True/False/None, "
            "lists and records with text keys")
