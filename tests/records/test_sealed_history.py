"""The case history is append-only in the database and sealed entry by entry (issue 13; migration 0026): an
UPDATE, DELETE or TRUNCATE is refused on SQLite and PostgreSQL, and `iop records verify` names an entry changed,
removed or written around the application. On SQLite, and on PostgreSQL when IOP_TEST_DATABASE_URL is set."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.exc import DBAPIError

from app.cli import main
from app.core.history_chain import GENESIS
from app.domain import records
from app.driving.case_driver import CaseDriver
from app.models import Case, CaseEvent, User
from app.services import Services
from tests import falun_steps
from tests.conftest import ORG_A
from tests.records.tampering import behind_the_applications_back
from tests.scratch_database import alembic

BEFORE = "0025_task_search_text"


def _falun_case(services: Services, steps: int = 4) -> int:
    driver = CaseDriver.start(services, "falun", ORG_A, actor="org_a")
    for name, who, data in falun_steps.HAPPY_PATH[:steps]:
        driver.complete(name, data, who)
    return driver.case_id


def _history(services: Services, case_id: int) -> list[CaseEvent]:
    with services.unit_of_work() as s:
        rows = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))
        s.expunge_all()
        return rows


def _verify(services: Services, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.setenv("IOP_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(services.settings.instance_path))
    return CliRunner().invoke(main, ["records", "verify"])


def test_each_entry_is_sealed_to_the_one_before_it(services: Services, people: dict[str, User]) -> None:
    case_id = _falun_case(services)
    history = _history(services, case_id)
    assert len(history) >= 5
    assert history[0].prev_hash == GENESIS
    assert all(len(e.hash or "") == 64 for e in history)
    assert [e.prev_hash for e in history[1:]] == [e.hash for e in history[:-1]]
    other = _falun_case(services, steps=1)
    assert _history(services, other)[0].prev_hash == GENESIS  # each case has its own chain
    with services.unit_of_work() as s:
        result = records.verify(s)
    assert result.intact and result.cases == 2 and result.entries == len(history) + len(_history(services, other))


@pytest.mark.parametrize("statement", [
    "UPDATE case_events SET title = 'ändrad' WHERE case_id = :case",
    "DELETE FROM case_events WHERE case_id = :case",
    "DELETE FROM cases WHERE id = :case",  # the history's cascade is refused with it
])
def test_the_database_refuses_to_change_or_delete_history(services: Services, people: dict[str, User],
                                                          statement: str) -> None:
    case_id = _falun_case(services, steps=2)
    before = [(e.id, e.title, e.hash) for e in _history(services, case_id)]
    with pytest.raises(DBAPIError, match="append-only"), services.db.begin() as conn:
        conn.execute(text(statement), {"case": case_id})
    assert [(e.id, e.title, e.hash) for e in _history(services, case_id)] == before


def test_postgresql_refuses_truncate(services: Services, people: dict[str, User]) -> None:
    if services.db.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's (SQLite has DELETE only, refused above)")
    _falun_case(services, steps=1)
    with pytest.raises(DBAPIError, match="append-only"), services.db.begin() as conn:
        conn.execute(text("TRUNCATE case_events"))


def test_verify_names_an_entry_altered_behind_the_applications_back(
        services: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _falun_case(services)
    history = _history(services, case_id)
    assert _verify(services, monkeypatch).exit_code == 0
    with behind_the_applications_back(services, "case_events") as conn:
        conn.execute(text("UPDATE case_events SET actor_name = 'Någon annan' WHERE id = :id"), {"id": history[2].id})
    result = _verify(services, monkeypatch)
    assert result.exit_code == 1
    with services.unit_of_work() as s:
        number = s.scalar(select(Case.registration_number).where(Case.id == case_id))
    assert f"case {number} (id {case_id}): history entry {history[2].id} ({history[2].kind}) was changed" \
        in result.output
    assert "1 problems" in result.output


def test_verify_names_the_entry_after_one_removed_and_an_entry_without_a_seal(
        services: Services, people: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = _falun_case(services)
    history = _history(services, case_id)
    with behind_the_applications_back(services, "case_events") as conn:
        conn.execute(text("DELETE FROM case_events WHERE id = :id"), {"id": history[1].id})
    with services.db.begin() as conn:  # inserting is allowed; one written without the application has no seal
        conn.execute(CaseEvent.__table__.insert().values(
            case_id=case_id, at=history[-1].at, actor_name="x", kind="note", title="", data={}))
    with services.unit_of_work() as s:
        result = records.verify(s)
    found = {(f.event_id, f.problem) for f in result.findings}
    assert (history[2].id, records.LINK_BROKEN) in found
    assert any(problem == records.UNSEALED for _, problem in found)
    assert len(found) == 2
    output = _verify(services, monkeypatch).output
    assert "does not follow the entry before it" in output and "has no seal" in output


def test_the_migration_seals_existing_history_as_the_application_does(
        services: Services, people: dict[str, User]) -> None:
    """Down to 0025 (no seals, no triggers) and up again: the entries written before are sealed in id order per
    case, with exactly the hashes the application wrote."""
    first, second = _falun_case(services), _falun_case(services, steps=2)
    written = {e.id: (e.prev_hash, e.hash) for c in (first, second) for e in _history(services, c)}
    services.db.dispose()
    try:
        alembic(services.db, "downgrade", BEFORE)
        with services.db.begin() as conn:
            columns = [c["name"] for c in _columns(conn)]
            assert "hash" not in columns
            conn.execute(text("UPDATE case_events SET title = title"))  # no trigger at 0025
    finally:
        alembic(services.db, "upgrade", "head")
    resealed = {e.id: (e.prev_hash, e.hash) for c in (first, second) for e in _history(services, c)}
    assert resealed == written
    with services.unit_of_work() as s:
        assert records.verify(s).intact


def _columns(conn: Connection) -> list[dict[str, Any]]:
    return [dict(column) for column in inspect(conn).get_columns("case_events")]
