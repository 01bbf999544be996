"""Rows chosen by a list of ids, written so the list costs the same however long it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session


def one_of(session: Session, column: Any, ids: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN ids`. On PostgreSQL one array parameter (`column = ANY(:ids)`): an IN of 500 parameters, each
    written with its cast, took SQLAlchemy and psycopg about 8 ms of CPU to render and parse for every 500-task page
    of the inbox (docs/benchmarks.md). SQLite has no arrays and keeps the IN."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=postgresql.ARRAY(column.type)))
    return column.in_(list(ids))
