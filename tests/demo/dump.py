"""Load the demo into a fresh SQLite file at a fixed clock moment and print every table's rows, sorted.

    .venv/bin/python -m tests.demo.dump [2026-12-06T08:00:00+00:00] > demo.txt

Used to prove a change to the demo loader leaves the demo data identical: run it before and after and
`diff` the two outputs. What differs between any two loads of the same code is masked: password hashes
(a random salt each run), UUIDs (SpiffWorkflow's random task ids; a case lists some sorted, so not even
their order is stable) and the wall-clock time SpiffWorkflow stamps on each task's state change.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

from app.config import Settings
from app.core.clock import ManualClock
from app.demo import load_demo
from app.services import build_services, prepare_database

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WALL_TIME = re.compile(r'(last_state_change\\?"?:\s*)[0-9.e+-]+')
MASKED = {"password_hash"}


def line(row: dict[str, Any]) -> str:
    text = json.dumps({k: ("<masked>" if k in MASKED else v) for k, v in row.items()},
                      default=str, ensure_ascii=False, sort_keys=True)
    return WALL_TIME.sub(r"\1<time>", UUID.sub("<uuid>", text))


def dump(moment: datetime) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="iop-demo-dump-") as folder:
        settings = Settings.from_env(instance_path=Path(folder), database_url=f"sqlite:///{folder}/demo.sqlite3",
                                     secret_key="dump", clock="manual")
        services = build_services(settings, ManualClock(moment))
        try:
            prepare_database(services)
            lines = [f"report: {text}" for text in load_demo(services)]
            meta = MetaData()
            meta.reflect(services.db)
            with services.db.connect() as conn:
                for table in meta.sorted_tables:
                    rows = sorted(line(dict(row._mapping)) for row in conn.execute(select(table)))
                    lines.extend(f"{table.name}: {row}" for row in rows)
        finally:
            services.db.dispose()
    return lines


if __name__ == "__main__":
    when = datetime.fromisoformat(sys.argv[1] if len(sys.argv) > 1 else "2026-12-06T08:00:00+00:00")
    print("\n".join(dump(when)))
