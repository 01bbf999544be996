"""One name for a place in form data: `parties[1][org_number]`.

The same string is a field's input name on the task page and the key of its message in
InvalidData.fields (page and API alike). A top-level field is its bare name; deeper steps are
bracketed; list rows count from 0. Brackets and `%` inside a step are percent-encoded, so any
object key (a statistic named "besökare [unika]") survives the round trip.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Step = str | int
_STEP = re.compile(r"\[([^\[\]]*)\]")


def _quote(step: str) -> str:
    return step.replace("%", "%25").replace("[", "%5B").replace("]", "%5D")


def _unquote(step: str) -> str:
    return step.replace("%5B", "[").replace("%5D", "]").replace("%25", "%")


def path_name(path: Sequence[Step]) -> str:
    """The name of a path; the empty path is `data` (the whole submission)."""
    if not path:
        return "data"
    head, *rest = path
    return _quote(str(head)) + "".join(f"[{_quote(str(step))}]" for step in rest)


def split_name(name: str) -> list[str] | None:
    """The steps of a name (all strings), or None when it is not one this module made."""
    head, bracket, tail = name.partition("[")
    if not head:
        return None
    steps = [_unquote(head)]
    if not bracket:
        return steps
    rest = "[" + tail
    at = 0
    for match in _STEP.finditer(rest):
        if match.start() != at:
            return None
        steps.append(_unquote(match.group(1)))
        at = match.end()
    return steps if at == len(rest) else None
