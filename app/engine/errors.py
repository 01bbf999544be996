"""Errors the engine raises; the web layer maps each to one HTTP status."""

from __future__ import annotations


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


class DefinitionInvalid(EngineError):
    """A process definition that cannot be deployed; one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ScriptFailure(EngineError):
    """An expression or script in a diagram failed or tried something forbidden."""


class Unauthenticated(EngineError):
    """No valid credentials (answers 401)."""
