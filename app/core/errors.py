"""Errors the engine raises; the web layer maps each to one HTTP status."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any


class EngineError(Exception):
    """Base class."""


class NotFound(EngineError):
    pass


class Conflict(EngineError):
    """The case changed under the caller (task already completed, stale version)."""


class Forbidden(EngineError):
    pass


class InvalidData(EngineError):
    """Form data that does not satisfy the task's schema; `fields` maps field name to message."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition, placed on a file, a line and a diagram element.

    `str(problem)` is the one-line text people read: "file:line [id 'name']: message". `code` is a
    stable key for programs (the modeller places messages on elements by `element_id`)."""

    file: str
    message: str
    line: int | None = None
    element_id: str | None = None
    element_name: str | None = None
    code: str = "invalid"

    def __post_init__(self) -> None:
        # names drawn over several lines in a modeller ("Archive\noriginal") still make one-line messages
        object.__setattr__(self, "message", " ".join(self.message.split()))
        if self.element_name:
            object.__setattr__(self, "element_name", " ".join(self.element_name.split()))

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.element_id:
            named = self.element_name and self.element_name != self.element_id
            where += f" [{self.element_id} '{self.element_name}']" if named else f" [{self.element_id}]"
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def parse(cls, text: str, code: str = "invalid") -> Problem:
        """A problem from its one-line text ("file:line [id 'name']: message"), as far as it says."""
        found = _PROBLEM_TEXT.match(text.strip())
        if found is None:
            return cls(file="", message=text, code=code)
        line = found.group("line")
        return cls(file=found.group("file"), message=found.group("message"), line=int(line) if line else None,
                   element_id=found.group("id"), element_name=found.group("name"), code=code)


_PROBLEM_TEXT = re.compile(r"^(?P<file>[^\s\[\]:]+\.(?:bpmn|dmn|json))(?::(?P<line>\d+))?"
                           r"(?: \[(?P<id>[^\]\s']+)(?: '(?P<name>[^\]]*)')?\])?: (?P<message>.*)$", re.DOTALL)


class DefinitionInvalid(EngineError):
    """A process definition that cannot be deployed; one message per problem.

    `problems` are the one-line texts (list of str, as before); `details` the same problems as
    `Problem` objects with file, line, element id and name, and a code."""

    def __init__(self, problems: Iterable[str | Problem]) -> None:
        self.details = [p if isinstance(p, Problem) else Problem.parse(str(p)) for p in problems]
        self.problems = [str(p) for p in self.details]
        super().__init__("; ".join(self.problems))


class ScriptFailure(EngineError):
    """An expression or script in a diagram failed or tried something forbidden."""


class Unauthenticated(EngineError):
    """No valid credentials (answers 401)."""
