"""Database engine and session factory."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker

PG_RANDOM_PAGE_COST = 1.1
# SQLite's page cache per connection, in KiB (a negative cache_size): the default 2 MiB holds a few hundred of the
# wide case rows, so a page of 500 tasks read each case's row from the operating system again (7 ms against
# 2.6 ms with 64 MiB, docs/benchmarks.md). The cache grows only as pages are read.
SQLITE_CACHE_KIB = 65_536


class Base(DeclarativeBase):
    pass


def make_engine(url: str, sqlite_synchronous: str = "FULL") -> Engine:
    """`sqlite_synchronous` FULL (default) makes every commit survive a power cut; NORMAL survives
    a crash of the process only, and is faster."""
    if sqlite_synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
        raise ValueError("IOP_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={sqlite_synchronous.upper()}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cur.close()

        return engine

    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)

    # The planner's cost of a random page read: PostgreSQL's default (4) assumes spinning disks and chose to
    # read every open task sequentially rather than look up a page of 500 by key; 1.1 is the usual value
    # for SSDs and for data that stays in memory (docs/architecture.md, "PostgreSQL planner settings"). Set on
    # each new connection, so options given in the database URL (a search path, say) are kept.
    @event.listens_for(engine, "connect")
    def _postgres_settings(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET random_page_cost = {PG_RANDOM_PAGE_COST}")
        dbapi_conn.commit()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)
