"""The compiled code the apps of a test process share (tests/shared_compilation.py) is the code each app
would have compiled for itself."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select, text

from app.db import make_engine
from app.models import User
from app.services import Services
from app.web.factory import create_app
from tests.conftest import START
from tests.shared_compilation import TEMPLATE_CODE, builder_key, share_compiled_sql, werkzeug_compile_builder


def test_every_rule_has_the_builders_werkzeug_would_make_for_it(app: Flask) -> None:
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        for append_unknown, bound in ((False, rule._build), (True, rule._build_unknown)):
            assert builder_key(rule, append_unknown) is not None  # shared
            made = werkzeug_compile_builder(rule, append_unknown)
            assert bound.__self__ is rule
            assert bound.__func__.__code__ == made.__code__, rule.rule


def test_the_next_app_renders_from_the_shared_template_code_what_an_app_of_its_own_renders(
        app: Flask, services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    first = app.test_client().get("/login")
    assert first.status_code == 200
    nxt = create_app(services.settings, services=services)
    nxt.jinja_env.bytecode_cache = TEMPLATE_CODE

    def no_compiling(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled again")

    monkeypatch.setattr(nxt.jinja_env, "compile", no_compiling)
    alone = create_app(services.settings, services=services)  # compiles its templates itself
    assert alone.jinja_env.bytecode_cache is None
    for resp in (nxt.test_client().get("/login"), alone.test_client().get("/login")):
        assert resp.status_code == 200
        assert _without_tokens(resp.get_data(as_text=True)) == _without_tokens(first.get_data(as_text=True))


def _without_tokens(html: str) -> str:
    """The page without what differs per request (CSRF token, nonce)."""
    return re.sub(r'(value|nonce|content)="[A-Za-z0-9._\-]{20,}"', "", html)


def test_a_statement_compiled_for_one_test_database_is_not_compiled_again_for_the_next(
        services: Services, tmp_path: Path) -> None:
    if services.db.dialect.name != "sqlite":
        pytest.skip("shared on SQLite only")
    statement = select(User.username).where(User.role == "admin").order_by(User.username)
    with services.db.connect() as conn:
        conn.execute(statement).all()  # compiled here, or by an earlier test of this process
    shutil.copy(services.settings.database_url.removeprefix("sqlite:///"), tmp_path / "next.sqlite3")
    nxt = make_engine(f"sqlite:///{tmp_path / 'next.sqlite3'}")
    share_compiled_sql(nxt)
    try:
        assert nxt.dialect is services.db.dialect
        with nxt.connect() as conn:
            result = conn.execute(statement)
            assert result.context.cache_hit == nxt.dialect.CACHE_HIT
            assert result.all() == []
            conn.execute(insert(User).values(username="x", display_name="x", password_hash="-", role="admin",
                                             language="sv", active=True, created_at=START))
            assert conn.execute(statement).all() == [("x",)]
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"  # the engine's own listeners
    finally:
        nxt.dispose()
