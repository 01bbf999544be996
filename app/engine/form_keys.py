"""Named numbers: an object whose keys come from the case's data (`x-keys-from`).

A follow-up report's `statistics_values` holds one number per statistic the agreement names.
The form says where that list is with `"x-keys-from": "iop.statistics"` (a dotted path into the
task's data) or a list of such paths, the first one found wins. The list's items are either
plain names (`"unika besökare"`) or named numbers with a unit
(`{"label": "unika besökare", "unit": "personer"}`); both shapes are read everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KEYS_FROM = "x-keys-from"
PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class NamedNumber:
    label: str
    unit: str = ""


def key_paths(spec: Any) -> list[str]:
    """The paths an `x-keys-from` value names (empty when ill-formed)."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, list) and all(isinstance(item, str) for item in spec):
        return list(spec)
    return []


def spec_problem(spec: Any) -> str | None:
    """Why an `x-keys-from` value is ill-formed, or None."""
    paths = key_paths(spec)
    if not paths:
        return "must be a dotted path into the task's data (like \"iop.statistics\") or a non-empty list of them"
    bad = [p for p in paths if not PATH.match(p)]
    if bad:
        return f"{', '.join(repr(p) for p in bad)} is not a dotted path of names (like \"iop.statistics\")"
    return None


def lookup(data: Mapping[str, Any] | None, path: str) -> Any:
    current: Any = data
    for step in path.split("."):
        if not isinstance(current, Mapping) or step not in current:
            return None
        current = current[step]
    return current


def named_numbers(items: Any) -> list[NamedNumber]:
    """Named numbers from a list of names or of {label, unit}; blanks and repeats dropped."""
    made: list[NamedNumber] = []
    seen: set[str] = set()
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            label, unit = item.strip(), ""
        elif isinstance(item, Mapping):
            label, unit = str(item.get("label") or "").strip(), str(item.get("unit") or "").strip()
        else:
            continue
        if label and label not in seen:
            seen.add(label)
            made.append(NamedNumber(label, unit))
    return made


def keys_for(prop: Mapping[str, Any], data: Mapping[str, Any] | None) -> list[NamedNumber] | None:
    """The named numbers a property with `x-keys-from` must hold, or None when the data has no such list."""
    for path in key_paths(prop.get(KEYS_FROM)):
        found = lookup(data, path)
        if isinstance(found, list):
            return named_numbers(found)
    return None
