"""Per-request database session and current user (Flask globals stay in the web layer)."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import Conflict
from app.services import Services


def services() -> Services:
    svc: Services = current_app.extensions["iop"]
    return svc


def db() -> Session:
    if "db" not in g:
        g.db = services().session_factory()
    session: Session = g.db
    return session


def commit() -> None:
    try:
        db().commit()
    except StaleDataError as exc:
        db().rollback()
        raise Conflict("the case was changed by someone else at the same time; reload and try again") from exc


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
