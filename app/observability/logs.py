"""Log formats: one JSON object per line (IOP_LOG_FORMAT=json) or plain text, and the request id.

A record's structured fields travel in ``extra={"fields": {...}}``; the JSON formatter puts them at the top
level next to ``ts``, ``level``, ``logger`` and ``message``, the text formatter appends them as key=value.
Every record logged while a request is handled carries that request's ``request_id``.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")  # what a proxy's or client's X-Request-ID may look like


def sane_request_id(raw: str | None) -> str | None:
    """The caller's X-Request-ID when it is a plain token of 8 to 128 characters, else None (a new one is made)."""
    if raw and _REQUEST_ID.match(raw):
        return raw
    return None


def _request_id() -> str | None:
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover - Flask is a dependency
        return None
    if has_request_context():
        value = g.get("request_id")
        return value if isinstance(value, str) else None
    return None


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record logged inside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id()
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, "fields", None)
    return dict(fields) if isinstance(fields, dict) else {}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id (in a request), the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        for key, value in _fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic line, with the record's fields appended as key=value."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = {k: v for k, v in _fields(record).items() if v is not None}
        request_id = getattr(record, "request_id", None)
        if request_id and "request_id" not in fields:
            fields["request_id"] = request_id
        if fields:
            extra = " ".join(f"{key}={value}" for key, value in fields.items())
            first, newline, rest = line.partition("\n")
            line = f"{first} [{extra}]{newline}{rest}"
        return line


def formatter(fmt: str) -> logging.Formatter:
    if fmt not in FORMATS:
        raise ValueError(f"IOP_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return JsonFormatter() if fmt == "json" else TextFormatter()
