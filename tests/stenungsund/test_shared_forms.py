"""One set of forms for the running agreement (issue 14): every municipality's diagram names the same
`agreement_*` forms; a case on a version deployed with a municipality's own copies keeps them, and moves to a
version with the shared forms only while it has not reached one of those tasks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.engine import migration
from app.engine.definitions import bundle_from_directory
from app.engine.serialization import workflow_from_json
from app.models import Case, CaseEvent, DefinitionVersion
from app.services import Services
from tests.stenungsund import steps

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ("stenungsund_agreement", "gavle_agreement", "kungsbacka_agreement")
SHARED = {f"agreement_{name}.json" for name in (
    "payment", "follow_up_report", "follow_up_review", "hold_escalation", "renewal_dialogue", "renewal_decision",
    "renewal_escalation", "repayment")}
FORM = re.compile(r'name="formJsonSchemaFilename" value="([^"]+)"')


def _bundle(process: str) -> dict[str, str]:
    return bundle_from_directory(ROOT / "processes" / f"{process}.bpmn")


def test_every_municipality_names_the_same_forms_for_the_running_agreement() -> None:
    for process in PROCESSES:
        files = _bundle(process)
        named = set(FORM.findall(files[f"{process}.bpmn"]))
        assert SHARED <= named, process
        assert {name for name in named if name.startswith("agreement_")} == SHARED
        assert all(files[name] == (ROOT / "processes" / "forms" / name).read_text(encoding="utf-8")
                   for name in SHARED)
    copies = [path.name for path in (ROOT / "processes" / "forms").glob("*.json")
              if path.name.split("_", 1)[0] in ("stenungsund", "gavle", "kungsbacka")
              and f"agreement_{path.name.split('_', 1)[1]}" in SHARED]
    assert copies == []
    renewal = (ROOT / "processes" / "forms" / "agreement_renewal_decision.json").read_text(encoding="utf-8")
    assert "kommunstyrelse" not in renewal.lower() and "nämnd" not in renewal.lower()


def _with_own_copies() -> dict[str, str]:
    """Stenungsund's bundle as versions before the shared forms deployed it: its own `stenungsund_*` copies."""
    files = _bundle("stenungsund_agreement")
    text = files["stenungsund_agreement.bpmn"]
    for name in SHARED:
        own = name.replace("agreement_", "stenungsund_", 1)
        text = text.replace(f'value="{name}"', f'value="{own}"')
        files[own] = files.pop(name).replace('"agreement_', '"stenungsund_')
    files["stenungsund_agreement.bpmn"] = text
    return files


def _deploy(services: Services, files: dict[str, str]) -> DefinitionVersion:
    with services.unit_of_work() as s:
        row, created = services.engine.deploy(s, files)
        assert created
        s.expunge(row)
        return row


def _blockers(services: Services, case_id: int, target: DefinitionVersion) -> list[tuple[str, str]]:
    with services.unit_of_work() as s:
        case = s.get_one(Case, case_id)
        source_row = s.get_one(DefinitionVersion, case.definition_id)
        source = services.engine.definition(s, source_row.id)
        workflow = workflow_from_json(case.workflow_json, source.spec, source.subprocess_specs)
        report = migration.dry_run(case, workflow, source, source_row, services.engine.definition(s, target.id),
                                   s.get_one(DefinitionVersion, target.id))
        return [(b.reason, b.element_id) for b in report.blockers]


def _forms_submitted(services: Services, case_id: int) -> list[Any]:
    with services.unit_of_work() as s:
        return [event.data.get("form") for event in s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "task_completed")
            .order_by(CaseEvent.id))]


def test_a_case_on_a_version_with_own_copies_keeps_them(services: Services, people: Any) -> None:
    old = _deploy(services, _with_own_copies())
    paid, waiting = steps.to_decision(services), steps.to_decision(services)
    steps.advance(services, "2026-01-01")
    steps.complete(services, paid, "pay", steps.PAYMENT)
    files = _bundle("stenungsund_agreement")
    files["stenungsund_agreement.bpmn"] += "\n<!-- the shared forms -->\n"
    shared = _deploy(services, files)
    assert shared.version > old.version

    # the case that has paid stays on its version: its submissions name that version's forms
    assert ("passed_changed", "pay") in _blockers(services, paid, shared)
    steps.advance(services, "2026-11-01")
    steps.complete(services, paid, "report", steps.REPORT)
    steps.complete(services, paid, "review", steps.APPROVE)
    assert _forms_submitted(services, paid)[-3:] == [
        "stenungsund_payment", "stenungsund_follow_up_report", "stenungsund_follow_up_review"]
    with services.unit_of_work() as s:
        case = s.get_one(Case, paid)
        assert case.definition_id == old.id
        assert services.engine.definition(s, old.id).form("stenungsund_follow_up_report") is not None

    # the payment is open on the other: it cannot move either (its form is another file in the target)
    assert "pay" in steps.names(services, waiting)
    assert [reason for reason, element in _blockers(services, waiting, shared) if element == "pay"] == [
        "active_changed"]
