"""Logging for the `iop` commands: one level from IOP_LOG_LEVEL, with the chatty libraries kept quiet.

SpiffWorkflow logs one INFO line per task it runs (over a thousand while the demo loads), alembic
a few per migration and waitress its own "Serving on" line; unless the level is DEBUG these
loggers only pass warnings, so what a person reads at start-up is the application's own lines.
"""

from __future__ import annotations

import logging
import os

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
QUIET_LIBRARIES = ("spiff", "alembic", "waitress")


def log_level(verbose: bool = False) -> int:
    """DEBUG with -v, else IOP_LOG_LEVEL (default INFO); ValueError names a bad value."""
    if verbose:
        return logging.DEBUG
    raw = os.environ.get("IOP_LOG_LEVEL", "").strip().upper() or "INFO"
    if raw not in LEVELS:
        raise ValueError(f"IOP_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {raw!r}")
    return int(getattr(logging, raw))


def configure_logging(verbose: bool = False) -> int:
    level = log_level(verbose)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(level if level <= logging.DEBUG else max(level, logging.WARNING))
    return level
