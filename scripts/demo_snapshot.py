"""Snapshot what every demo user sees: each GET page and API endpoint, on the demo loaded at a fixed date.

A refactoring that must not change behaviour is checked by taking a snapshot before and after and comparing:

    .venv/bin/python scripts/demo_snapshot.py /tmp/snap-before      # on the old commit
    .venv/bin/python scripts/demo_snapshot.py /tmp/snap-after       # on the new one
    diff -r /tmp/snap-before /tmp/snap-after

Every GET route of the app is requested as every demo user (routes with an id are tried with every case,
task, agreement and organisation id of the demo), pages with a Swedish and an English session, the API with
a bearer token. One file per user and language holds each URL's status and body, with per-request values
(CSRF tokens, nonces, bearer tokens) replaced by placeholders.
"""

from __future__ import annotations

import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.clock import ManualClock
from app.demo import load_demo
from app.models import Case, OpenTask, Organisation, User
from app.services import Services, prepare_database
from app.web.factory import create_app

WHEN = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
PASSWORD = "demo-losenord"
SKIP = ("/static/", "/logout", "/auth/logout", "/metrics")  # assets, and requests that end the session
VOLATILE = [
    (re.compile(r'(name="csrf_token"[^>]*value=")[^"]+'), r"\1<csrf>"),
    (re.compile(r'(name="csrf-token"[^>]*content=")[^"]+'), r"\1<csrf>"),
    (re.compile(r'(nonce=")[^"]+'), r"\1<nonce>"),
    (re.compile(r'(data-csrf=")[^"]+'), r"\1<csrf>"),
]


def _ids(services: Services) -> dict[str, list[int]]:
    with services.unit_of_work() as s:
        return {
            "case": list(s.scalars(select(Case.id).order_by(Case.id))),
            "task": list(s.scalars(select(OpenTask.id).order_by(OpenTask.case_id, OpenTask.name))),
            "organisation": list(s.scalars(select(Organisation.id).order_by(Organisation.id))),
        }


def _urls(app: Flask, ids: dict[str, list[int]]) -> list[str]:
    urls: dict[str, None] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.rule.startswith(SKIP):
            continue
        args = list(rule.arguments)
        if not args:
            urls[rule.rule] = None
        elif len(args) == 1:
            kind = next((k for k in ids if k in args[0]), "case")
            for value in ids[kind]:
                urls[rule.rule.replace(f"<{_converter(rule.rule, args[0])}>", str(value))] = None
    return sorted((u for u in urls if "<" not in u), key=lambda u: (_stable(u), u))


_TASK_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TASK_NAMES: dict[str, str] = {}


def _stable_names(ids: dict[str, list[Any]]) -> None:
    """Task ids are random UUIDs: name them by their place in the demo (case, task name) instead."""
    _TASK_NAMES.update({str(task): f"<task-{n}>" for n, task in enumerate(ids["task"])})


def _stable(text: str) -> str:
    return _TASK_ID.sub(lambda found: _TASK_NAMES.get(found.group(0), "<uuid>"), text)


def _converter(rule: str, arg: str) -> str:
    found = re.search(rf"<([^>]*:)?{arg}>", rule)
    return found.group(0)[1:-1] if found else arg


def _clean(text: str, token: str = "") -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    text = _stable(text)
    return text.replace(token, "<token>") if token else text


def _log_in(client: FlaskClient, username: str, lang: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    client.post("/login", data={"username": username, "password": PASSWORD,
                                "csrf_token": found.group(1) if found else ""})
    with client.session_transaction() as session:
        session["lang"] = lang


def _snapshot_user(app: Flask, urls: list[str], username: str, role: str, out: Path) -> None:
    api = [u for u in urls if u.startswith("/api/")]
    pages = [u for u in urls if not u.startswith("/api/")]
    for lang in ("sv", "en"):
        client = app.test_client()
        _log_in(client, username, lang)
        lines = [f"# {username} ({role}) {lang}"]
        for url in pages:
            response = client.get(url)
            lines += [f"## GET {_stable(url)} -> {response.status_code} {response.headers.get('Location', '')}",
                      _clean(response.get_data(as_text=True))]
        (out / f"{username}.{lang}.pages.txt").write_text("\n".join(lines), encoding="utf-8")
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD}).get_json()
    bearer = str((token or {}).get("token", ""))
    lines = [f"# {username} ({role}) api"]
    for url in api:
        response = client.get(url, headers={"Authorization": f"Bearer {bearer}"})
        lines += [f"## GET {_stable(url)} -> {response.status_code}", _clean(response.get_data(as_text=True), bearer)]
    (out / f"{username}.api.txt").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(clock=ManualClock(WHEN), database_url=f"sqlite:///{folder}/demo.sqlite3",
                         instance_path=folder, smtp_url=None, secret_key="snapshot",  # noqa: S106
                         login_max_per_address=100_000, login_max_per_account=100_000)
        services: Services = app.extensions["iop"]
        prepare_database(services)
        load_demo(services)
        ids = _ids(services)
        _stable_names(ids)
        urls = _urls(app, ids)
        with services.unit_of_work() as s:
            users: list[Any] = [(u.username, u.role) for u in s.scalars(select(User).order_by(User.username))]
        for username, role in users:
            _snapshot_user(app, urls, username, role, out)
        (out / "urls.txt").write_text("\n".join(_stable(u) for u in urls), encoding="utf-8")
    print(f"{len(users)} users, {len(urls)} URLs -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
