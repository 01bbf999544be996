"""Cases to archive, driven through app.driving.case_driver, and the `iop archive` command run on the test's
database."""

from __future__ import annotations

from datetime import datetime

import pytest
from click.testing import CliRunner, Result

from app.cli import main
from app.core.clock import StoredClock
from app.domain.attachments import Upload, store_upload
from app.driving.case_driver import CaseDriver
from app.models import Case
from app.services import Services
from tests import falun_steps
from tests.conftest import ORG_A

PDF = b"%PDF-1.4\n% Verksamhetsplan\n1 0 obj << >> endobj\n%%EOF\n"


def falun_case(services: Services, steps: list[tuple[str, str, dict]] | None = None,  # type: ignore[type-arg]
               closing_at: datetime | None = None) -> int:
    """A Falun case driven along `steps` (the whole happy path by default), with one PDF attached; the last
    step is done at `closing_at` when given."""
    path = falun_steps.HAPPY_PATH if steps is None else steps
    driver = CaseDriver.start(services, "falun", ORG_A, actor="org_a")
    with services.unit_of_work() as s:
        case = s.get(Case, driver.case_id)
        assert case is not None
        store_upload(s, services.clock, case, None, "attachments", Upload("verksamhetsplan 2027.pdf", PDF))
    for index, (name, who, data) in enumerate(path):
        if closing_at is not None and index == len(path) - 1:
            driver.set_clock(closing_at)
        driver.complete(name, data, who)
    return driver.case_id


def iop(services: Services, monkeypatch: pytest.MonkeyPatch, *args: str, now: datetime | None = None) -> Result:
    """`iop ARGS` on the test's database; with `now`, on the stored manual clock set to it."""
    monkeypatch.setenv("IOP_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(services.settings.instance_path))
    if now is not None:
        monkeypatch.setenv("IOP_CLOCK", "manual")
        StoredClock(services.db, start=now).set(now)
    return CliRunner().invoke(main, list(args))
