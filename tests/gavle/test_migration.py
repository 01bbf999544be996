"""Migration 0038: a database prepared before Gävle had a process gets it listed; an administrator's list stays."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.scratch_database import alembic, scratch_engine

BEFORE = "0037_settings_changes"
REVISION = "0038_gavle_process"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    with scratch_engine(tmp_path / "gavle.sqlite3", prefix="g") as engine:
        yield engine


def _settings(engine: Engine, processes: dict[str, str]) -> None:
    with engine.begin() as conn:
        for i, (slug, listed) in enumerate(processes.items(), start=1):
            conn.execute(text("INSERT INTO municipalities (id, slug, name, registration_format) "
                              "VALUES (:id, :slug, :slug, 'KS {year}/{seq:04d}')"), {"id": i, "slug": slug})
            conn.execute(text(
                "INSERT INTO municipality_settings (municipality_id, processes, reminder_days_before_due, "
                "renewal_dialogue_months_before_end, renewal_deadline_months_before_end, max_agreement_years, "
                "default_payment_interval, follow_up_opens_months_before_anniversary, "
                "follow_up_due_months_before_anniversary, payment_overdue_days, late_renewal_decision, "
                "retention_years, guidelines_review_on) "
                "VALUES (:id, :p, 2, 9, 3, 5, 'yearly', 2, 1, 10, 'warn', '{}', '03-01')"), {"id": i, "p": listed})


def _processes(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        # as JSON text: SQLite hands the column back as text, PostgreSQL (JSONB) as a list
        return {slug: json.dumps(json.loads(listed) if isinstance(listed, str) else listed)
                for slug, listed in conn.execute(text(
            "SELECT m.slug, s.processes FROM municipalities m JOIN municipality_settings s "
            "ON s.municipality_id = m.id ORDER BY m.slug"))}


def test_gavle_gets_its_process_and_loses_it_going_down(fresh: Engine) -> None:
    alembic(fresh, "upgrade", BEFORE)
    _settings(fresh, {"gavle": "[]", "kungsbacka": "[]", "stenungsund": '["stenungsund_agreement"]'})
    alembic(fresh, "upgrade", REVISION)
    assert _processes(fresh) == {"gavle": '["gavle_agreement"]', "kungsbacka": "[]",
                                 "stenungsund": '["stenungsund_agreement"]'}
    alembic(fresh, "downgrade", BEFORE)
    assert _processes(fresh)["gavle"] == "[]"


def test_a_list_an_administrator_filled_in_is_kept(fresh: Engine) -> None:
    alembic(fresh, "upgrade", BEFORE)
    _settings(fresh, {"gavle": '["stenungsund_agreement"]'})
    alembic(fresh, "upgrade", REVISION)
    assert _processes(fresh) == {"gavle": '["stenungsund_agreement"]'}
