"""Benchmark: the upcoming-work read model (app/queries/upcoming.py) over N running agreements.

    .venv/bin/python -m bench.upcoming [--agreements 200] [--db sqlite|postgresql+psycopg://...]

Setup (not measured) as in bench/timers_bench.py: a few agreements driven by the engine to the board's
decision, then copied with the agreement tables rebuilt. Measured: one call of `upcoming()` (the page's,
the API's and the feed's data) for Stenungsund, best of --repeat, and the number of SQL statements it runs.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, event, text

from app.domain.accounts import municipality_by_slug
from app.queries.upcoming import upcoming
from bench.timers_bench import DECISION_ON, setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agreements", type=int, default=200)
    parser.add_argument("--templates", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="iop-upcoming-"))
    schema = None
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    if args.db != "sqlite":
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with create_engine(args.db).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{args.db}{'&' if '?' in args.db else '?'}options=-csearch_path%3D{schema}"
    try:
        services, _, _ = setup(url, folder, args.agreements, args.templates)
        statements = []
        event.listen(services.db, "before_cursor_execute", lambda *a: statements.append(a[2]))
        today = DECISION_ON
        best = float("inf")
        found = None
        for _ in range(args.repeat):
            statements.clear()
            with services.unit_of_work() as s:
                muni_id = municipality_by_slug(s, "stenungsund").id
                before = len(statements)
                started = time.perf_counter()
                found = upcoming(s, muni_id, today)
                best = min(best, time.perf_counter() - started)
                queries = len(statements) - before
        assert found is not None
        print(f"upcoming(): {len(found.agreements)} running agreements, {len(found.items)} items, "
              f"{len(found.years)} years; {queries} SQL statements; best of {args.repeat}: {best * 1000:.1f} ms "
              f"({services.db.dialect.name})")
        services.db.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if schema:
            with create_engine(args.db).begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
