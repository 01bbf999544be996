"""What every app of a test process compiles the same way, compiled once per process.

Each test gets an app of its own (`create_app` in tests/conftest.py), and each app compiled again what the
previous one had: its Jinja templates (a template is parsed and compiled to Python on its first render in an
app) and, for each of its URL rules, Werkzeug's two URL builder functions (generated as Python source and
compiled while the rules are added). That was about 0.1-0.2 s of every test that renders a page. Both results
depend only on their input (a template's source; a rule's text, defaults and parsed parts), so one process
can share them between its apps:

- `TEMPLATE_CODE`, a Jinja bytecode cache (Jinja's own hook, `Environment.bytecode_cache`) holding the
  compiled code of each template by name and source; the `app` fixture gives it to the app's environment;
- `share_url_builders()`, which keeps the builder function Werkzeug made for a rule and hands the same
  function to the next rule of another app with the same text, defaults and parsed parts.

Likewise each test's SQLAlchemy engine (on a database file of its own) compiled every SQL statement again:
`share_compiled_sql()` gives the SQLite engines of a process one dialect and one cache of compiled statements.

Each app still has its own environment, templates, rules and map; the production code compiles as before
(tests/test_shared_compilation.py checks that a shared builder is the one Werkzeug would make)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.util import LRUCache
from werkzeug.routing import Rule


class _Bucket:
    """What Jinja reads and fills in (`jinja2.bccache.Bucket`): the compiled code of one template, or None."""

    def __init__(self, key: Hashable, code: Any) -> None:
        self.key = key
        self.code = code


class _TemplateCode:
    """Compiled template code in memory by template and source, through the two methods Jinja calls on an
    environment's `bytecode_cache` (`jinja2.BytecodeCache.get_bucket` and `set_bucket`): the code of a
    source compiled once is handed to every later environment that loads the same source."""

    def __init__(self) -> None:
        self.code: dict[Hashable, Any] = {}

    def get_bucket(self, environment: Any, name: str, filename: str | None, source: str) -> _Bucket:
        key = (name, filename, source)
        return _Bucket(key, self.code.get(key))

    def set_bucket(self, bucket: _Bucket) -> None:
        self.code[bucket.key] = bucket.code


TEMPLATE_CODE = _TemplateCode()

# Werkzeug's own method, kept for the check in tests/test_shared_compilation.py
werkzeug_compile_builder: Callable[[Rule, bool], Any] = Rule._compile_builder
_builders: dict[Hashable, Any] = {}


def builder_key(rule: Rule, append_unknown: bool) -> Hashable | None:
    """What Werkzeug's builder of `rule` is made from (`Rule._compile_builder`): the rule's text (the function's
    name), its parsed parts (`_trace`: static text and variable names) and its defaults. None when a default
    is one of the rule's variables, which Werkzeug turns into text with the map's converter: not shared."""
    defaults = rule.defaults or {}
    variables = {name for dynamic, name in rule._trace if dynamic}
    if variables & set(defaults):
        return None
    return rule.rule, tuple(rule._trace), tuple(defaults), append_unknown


def _shared_compile_builder(self: Rule, append_unknown: bool = True) -> Any:
    key = builder_key(self, append_unknown)
    if key is None:
        return werkzeug_compile_builder(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = werkzeug_compile_builder(self, append_unknown)
    return builder


def share_url_builders() -> None:
    """From now on in this process, rules with the same key share one builder function (each rule binds it
    to itself, as Werkzeug does)."""
    Rule._compile_builder = _shared_compile_builder  # type: ignore[method-assign,assignment]


SQL_CACHE_SIZE = 5000  # statements; SQLAlchemy's default per engine is 500, and the suite runs more
_sqlite: list[tuple[Any, Any]] = []  # the dialect of the process's first SQLite engine, the shared statement cache


def share_compiled_sql(engine: Engine) -> None:
    """`engine`, if on SQLite, uses the dialect of the process's first SQLite engine and the process's cache
    of compiled statements. SQLAlchemy keeps compiled SQL per engine, keyed by the dialect object, so each
    test's engine (a database file of its own) compiled every statement it ran again. The SQLite dialects of
    one process are alike (the same sqlite3 module and library); PostgreSQL engines are left as they are.
    Call it before the engine's first connection."""
    if engine.dialect.name != "sqlite":
        return
    if not _sqlite:
        with engine.connect():
            pass  # the dialect is initialised on the first connection
        _sqlite.append((engine.dialect, LRUCache(SQL_CACHE_SIZE)))
    dialect, cache = _sqlite[0]
    engine.dialect = dialect
    engine.pool._dialect = dialect
    engine._compiled_cache = cache
