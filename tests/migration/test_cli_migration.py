"""`iop migrate`: dry run, one case, all eligible, revert."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.cli import main
from app.models import Case, CaseEvent, DefinitionVersion
from app.services import Services
from tests.migration.conftest import start_case


@pytest.fixture
def iop(services: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Callable[..., Any]:
    monkeypatch.setenv("IOP_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(tmp_path / "cli-instance"))

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, ["migrate", *args])

    return run


def test_migrate_from_the_command_line(services: Services, people: Any, iop: Callable[..., Any],
                                       deploy_v2: Callable[[], DefinitionVersion]) -> None:
    early = start_case(services, "checklist")
    past = start_case(services, "department_decision")
    v2 = deploy_v2()
    dry = iop(str(early), "--to", "2", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "can move" in dry.output and "added         second_legal_opinion" in dry.output
    refused = iop(str(past), "--to", "2", "--dry-run")
    assert refused.exit_code == 1 and "a step the case has passed changed" in refused.output
    assert iop(str(past), "--to", "2").exit_code == 1
    assert iop(str(early), "--to", "9").exit_code == 1
    assert iop("--to", "2").exit_code == 2
    bulk_dry = iop("--process", "falun_initiative", "--to", "2", "--all-eligible", "--dry-run")
    assert "would move 1, not eligible 1" in bulk_dry.output
    bulk = iop("--process", "falun_initiative", "--to", "2", "--all-eligible")
    assert bulk.exit_code == 0, bulk.output
    assert "moved 1, not eligible 1" in bulk.output
    migration_id = re.search(r"migrated case \d+ to v2 \(migration (\d+)\)", bulk.output)
    assert migration_id is not None
    with services.unit_of_work() as s:
        case = s.get(Case, early)
        assert case is not None and case.definition_id == v2.id
    undo = iop("--revert", migration_id.group(1))
    assert undo.exit_code == 0, undo.output
    again = iop("--revert", migration_id.group(1))
    assert again.exit_code == 1 and "already been reverted" in again.output
    with services.unit_of_work() as s:
        case = s.get(Case, early)
        assert case is not None and case.definition_id != v2.id
        events = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == early,
                                                        CaseEvent.kind.in_(("migrated", "migration_reverted")))))
    assert [(e.kind, e.actor_name) for e in events] == [("migrated", "command line (iop migrate)"),
                                                        ("migration_reverted", "command line (iop migrate)")]
