"""Logging for the `iop` commands: one level from IOP_LOG_LEVEL, one format from IOP_LOG_FORMAT, quiet libraries.

SpiffWorkflow logs one INFO line per task it runs (over a thousand while the demo loads), alembic
a few per migration, waitress its own "Serving on" line and werkzeug a line per request of its
development server; unless the level is DEBUG these loggers only pass warnings, so what a person
reads is the application's own lines: one per request (app.request), one per timer firing
(app.engine.timers), warnings and errors (docs/operations.md lists the fields).

IOP_LOG_FORMAT is ``json`` (one object per line, for a log collector) or ``text``; ``iop serve`` and
``iop scheduler`` default to json, the other commands to text. The lines go to standard error; the
address printed by ``iop serve`` at start goes to standard output.
"""

from __future__ import annotations

import logging
import os
import sys

from app.observability.logs import FORMATS, RequestIdFilter, formatter

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
QUIET_LIBRARIES = ("spiff", "alembic", "waitress", "werkzeug", "apscheduler")
_HANDLER_MARK = "_iop_handler"


def log_level(verbose: bool = False) -> int:
    """DEBUG with -v, else IOP_LOG_LEVEL (default INFO); ValueError names a bad value."""
    if verbose:
        return logging.DEBUG
    raw = os.environ.get("IOP_LOG_LEVEL", "").strip().upper() or "INFO"
    if raw not in LEVELS:
        raise ValueError(f"IOP_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {raw!r}")
    return int(getattr(logging, raw))


def log_format(default: str = "text") -> str:
    """IOP_LOG_FORMAT (json or text), else `default`; ValueError names a bad value."""
    raw = os.environ.get("IOP_LOG_FORMAT", "").strip().lower() or default
    if raw not in FORMATS:
        raise ValueError(f"IOP_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {raw!r}")
    return raw


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time of the record (a test runner may swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def configure_logging(verbose: bool = False, default_format: str = "text") -> int:
    level = log_level(verbose)
    fmt = log_format(default_format)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = _StderrHandler()
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(level if level <= logging.DEBUG else max(level, logging.WARNING))
    return level
