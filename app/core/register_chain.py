"""The hash that seals one row of a case's document register to the row before it (issue 13).

Like the history's seal (app.core.history_chain) but over the register's own content: SHA-256 over the
previous row's hash (of the same case; empty for the first) and the row written canonically: case, number,
time (UTC, ISO 8601 with microseconds), direction, kind, counterpart, description, who registered it and the
document's digest. The format is part of the stored data and must not change. Pure: no database.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = ""  # the link of a case's first row


def row_hash(previous: str, *, case_id: int, number: int, registered_at: datetime, direction: str, kind: str,
             counterpart: str | None, description: str | None, registered_by_id: int | None,
             registered_by_name: str | None, digest: str | None) -> str:
    moment = registered_at.astimezone(UTC) if registered_at.tzinfo else registered_at.replace(tzinfo=UTC)
    content = json.dumps(["register", previous, case_id, number, moment.isoformat(timespec="microseconds"),
                          str(direction), str(kind), counterpart or "", description or "", registered_by_id,
                          registered_by_name or "", digest or ""], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def content_digest(*parts: str | bytes) -> str:
    """SHA-256 over the parts, each length-prefixed so that no two different lists give the same bytes."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()
