"""Falun cases at chosen steps, and a second version of the Falun diagram to move them to.

Version 2 (fixtures/falun_v2) adds a lawyer's "second legal opinion" after the legal assessment, adds a
field to the initiative form, and gives the final review 30 days instead of 21.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.driving.case_driver import CaseDriver
from app.driving.case_driver import start_case as start_falun_case
from app.engine.definitions import bundle_from_directory
from app.models import Case, DefinitionVersion, OpenTask
from app.services import Services
from tests import falun_steps as steps
from tests.conftest import ORG_A

ROOT = Path(__file__).resolve().parents[2]
V2 = Path(__file__).resolve().parent / "fixtures" / "falun_v2" / "falun_initiative.bpmn"
SECOND_OPINION = {"second_opinion_agrees": True, "second_opinion": "Jag delar bedömningen."}
# the steps of the happy path, by name: the data each takes
DATA = {name: data for name, _, data in steps.HAPPY_PATH}
DATA["second_legal_opinion"] = SECOND_OPINION


def v2_files() -> dict[str, str]:
    files = bundle_from_directory(ROOT / "processes" / "falun_initiative.bpmn")
    files.update(bundle_from_directory(V2))
    return files


def open_tasks(services: Services, case_id: int) -> list[OpenTask]:
    return CaseDriver(services, case_id).open_tasks()


def complete(services: Services, case_id: int, name: str, data: dict[str, Any] | None = None) -> Case:
    [task] = open_tasks(services, case_id)
    assert task.name == name, (task.name, name)
    return CaseDriver(services, case_id).complete(name, data if data is not None else DATA[name], task=task)


def start_case(services: Services, until: str) -> int:
    """A Falun case whose open task is `until` (completing the happy path's earlier steps)."""
    case_id = start_falun_case(services, "falun", ORG_A, process_id="falun_initiative")
    for name, _, data in steps.HAPPY_PATH:
        if name == until:
            break
        complete(services, case_id, name, data)
    assert [t.name for t in open_tasks(services, case_id)] == [until]
    return case_id


def run_to_end(services: Services, case_id: int) -> list[str]:
    """Complete whatever opens until the case ends; the names in order."""
    done = []
    for _ in range(20):
        tasks = open_tasks(services, case_id)
        if not tasks:
            break
        complete(services, case_id, tasks[0].name)
        done.append(tasks[0].name)
    return done


@pytest.fixture
def deploy_v2(services: Services) -> Callable[[], DefinitionVersion]:
    def run() -> DefinitionVersion:
        with services.unit_of_work() as s:
            row, created = services.engine.deploy(s, v2_files())
            assert created and row.version == 2
            return row

    return run
