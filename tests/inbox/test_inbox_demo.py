"""After `iop demo` no demo user meets a blank inbox: staff with work see their tasks, team leads the open
tasks of their municipality with "Tilldela om", and every user who has finished something sees it under
"Avslutade av mig"."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.core.clock import ManualClock
from app.demo import load_demo
from app.demo.falun import USERS as FALUN_USERS
from app.demo.gavle import USERS as GAVLE_USERS
from app.demo.kungsbacka import USERS as KUNGSBACKA_USERS
from app.demo.stenungsund import USERS as STENUNGSUND_USERS
from app.models import User
from app.services import Services
from app.web.factory import create_app
from tests.demo.test_demo import _log_in
from tests.web.pages import text_of


@pytest.mark.slow  # loads the whole demo and logs in as each demo user
def test_every_demo_user_finds_work_or_a_meaningful_list(services: Services, clock: ManualClock) -> None:
    clock.set(datetime(2026, 12, 6, 8, 0, tzinfo=UTC))
    load_demo(services)
    app = create_app(services.settings, services=services)
    client = app.test_client()
    seen: dict[str, tuple[int, int]] = {}
    for spec in FALUN_USERS + STENUNGSUND_USERS + GAVLE_USERS + KUNGSBACKA_USERS:
        username = spec["username"]
        _log_in(app, client, services, username)
        todo = client.get("/tasks/")
        assert todo.status_code == 200, username
        html = todo.get_data(as_text=True)
        tasks = len(set(re.findall(r'href="/tasks/([0-9a-f-]{36})"', html)))
        done = client.get("/tasks/?view=done")
        assert done.status_code == 200
        finished = len(re.findall(r'<tr>\s*<th scope="row">', done.get_data(as_text=True)))
        seen[username] = (tasks, finished)
        assert tasks or finished, f"{username} sees an empty inbox"
        if spec["role"] in ("admin", "process_owner"):
            assert "#tilldela" in html and "Din roll har inga egna steg" in text_of(html), username
        with services.unit_of_work() as s:
            me = s.scalars(select(User).where(User.username == username)).one()
            role = me.role
        if role not in ("admin", "process_owner") and tasks:
            assert f"Mina uppgifter ({tasks})" in text_of(html), username  # the count in the navigation
    # the organisations waiting on the municipality still see what they sent
    assert all(seen[name][1] > 0 for name in ("karin", "lisa", "omar")), seen
    assert seen["admin"][0] > seen["stig"][0] > 0 and seen["pia"][0] > 0
