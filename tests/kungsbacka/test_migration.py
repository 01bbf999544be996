"""Migration 0039: a database prepared before Kungsbacka had a process gets it listed; an administrator's list
stays."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.gavle.test_migration import _processes, _settings
from tests.scratch_database import alembic, scratch_engine

BEFORE = "0038_gavle_process"
REVISION = "0039_kungsbacka_process"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path / "kungsbacka.sqlite3", prefix="k") as engine:
        yield engine


def test_kungsbacka_gets_its_process_and_loses_it_going_down(fresh: Engine) -> None:
    alembic(fresh, "upgrade", BEFORE)
    _settings(fresh, {"falun": "[]", "kungsbacka": "[]", "stenungsund": '["stenungsund_agreement"]'})
    alembic(fresh, "upgrade", REVISION)
    assert _processes(fresh) == {"falun": "[]", "kungsbacka": '["kungsbacka_agreement"]',
                                 "stenungsund": '["stenungsund_agreement"]'}
    alembic(fresh, "downgrade", BEFORE)
    assert _processes(fresh)["kungsbacka"] == "[]"


def test_a_list_an_administrator_filled_in_is_kept(fresh: Engine) -> None:
    alembic(fresh, "upgrade", BEFORE)
    _settings(fresh, {"kungsbacka": '["stenungsund_agreement"]'})
    alembic(fresh, "upgrade", REVISION)
    assert _processes(fresh) == {"kungsbacka": '["stenungsund_agreement"]'}
