"""The hash that seals one history entry of a case to the entry before it (issue 13, "append-only for real").

Each entry's `hash` is SHA-256 over the previous entry's hash (of the same case; empty for the first) and the
entry's own content written canonically: case, time (UTC, ISO 8601 with microseconds), actor, kind, task, title
and data (JSON with sorted keys). Changing any stored field of an entry changes its hash; removing or inserting
an entry breaks the next entry's link. `iop records verify` recomputes the chain (app.domain.records).

Pure: no database. The content is taken as the database hands it back (data as JSON would read it), so a
value written and read back gives the same hash on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = ""  # the link of a case's first entry


def canonical_data(data: Any) -> str:
    return json.dumps(data if data is not None else {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def entry_hash(previous: str, *, case_id: int, at: datetime, actor_id: int | None, actor_name: str | None,
               kind: str, task_name: str | None, title: str | None, data: Any) -> str:
    moment = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    content = json.dumps([previous, case_id, moment.isoformat(timespec="microseconds"), actor_id, actor_name or "",
                          kind, task_name or "", title or "", canonical_data(data)],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()
