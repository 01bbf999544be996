"""A notice a user task shows above its form, read from the case data by the task's `noticeFrom` property.

When a process returns to an earlier task because an automatic check failed, the person who gets the task
again should read why. The process owner names, in the diagram, where the reason lies in the task's data:

    <spiffworkflow:property name="noticeFrom" value="budget_check.message"/>

The value is a dotted path of names (`missing_documents_message`, `budget_check.message`), looked up key by
key in the data the task opens with: no expression is evaluated and nothing but that data is reachable. The
notice shows when the path leads to a non-empty text; a missing key, another kind of value or an empty text
(a check that passed) shows nothing, so the first visit, before any check has run, has no notice. Validation
refuses a value that is not such a path (app.engine.validation.tasks).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.engine.elements import ElementInfo

NOTICE_FROM = "noticeFrom"
MAX_NOTICE_CHARS = 2000  # a reason, not a document: a longer text is cut with an ellipsis
MAX_SEGMENTS = 8
_SEGMENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def notice_path_problem(value: str) -> str | None:
    """Why `value` is no noticeFrom path (None when it is one)."""
    segments = value.split(".")
    if len(segments) > MAX_SEGMENTS:
        return f"the noticeFrom path '{value}' has more than {MAX_SEGMENTS} parts"
    bad = next((s for s in segments if not _SEGMENT.match(s)), None)
    if bad is not None:
        return (f"the noticeFrom value '{value}' is not a path of names: give the name of a data field, "
                "or names joined by dots such as budget_check.message (letters, digits and _; each part "
                "starting with a letter)")
    return None


def notice_at(path: str, data: Mapping[str, Any]) -> str | None:
    """The non-empty text at the dotted `path` of `data`, or None (also for a malformed path)."""
    if notice_path_problem(path) is not None:
        return None
    value: Any = data
    for segment in path.split("."):
        if not isinstance(value, Mapping) or segment not in value:
            return None
        value = value[segment]
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return text if len(text) <= MAX_NOTICE_CHARS else text[:MAX_NOTICE_CHARS - 1].rstrip() + "…"


def task_notice(info: ElementInfo | None, data: Mapping[str, Any]) -> str | None:
    """The notice of a user task opening with `data`, when its element names `noticeFrom`."""
    path = info.properties.get(NOTICE_FROM) if info is not None else None
    return notice_at(path.strip(), data) if path else None


def stored_notice(meta: Mapping[str, Any] | None) -> str | None:
    """The notice an open-task row keeps in its `meta` (written by the engine as the task opens), or None."""
    notice = (meta or {}).get("notice")
    return notice if isinstance(notice, str) and notice else None
