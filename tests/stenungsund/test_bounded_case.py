"""The agreement state lives beside the workflow, and a case's document stays the same size year after year."""

from __future__ import annotations

import json
from typing import Any

from app.models import Case
from app.services import Services
from app.web.pages.case_diagram import element_states
from tests.stenungsund import steps


def _document(services: Services, case_id: int) -> tuple[str, int]:
    """The stored workflow document and how many tasks it holds (main process and subprocesses)."""
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        text = case.workflow_json
    doc = json.loads(text)
    return text, len(doc["tasks"]) + sum(len(sp["tasks"]) for sp in doc["subprocesses"].values())


def test_five_years_of_payments_and_follow_ups_do_not_grow_the_document(services: Services, people: Any) -> None:
    case_id = steps.to_decision(services)
    sizes = []
    for year in (2026, 2027, 2028, 2029, 2030):
        steps.advance(services, f"{year}-01-01")
        steps.complete(services, case_id, "pay", steps.PAYMENT)
        text, tasks = _document(services, case_id)
        sizes.append(tasks)
        assert '"payments"' not in text  # the plan is not in the workflow; it carries only what it reads
        steps.advance(services, f"{year}-11-01")
        steps.complete(services, case_id, "report", steps.REPORT)
        steps.complete(services, case_id, "review", steps.APPROVE)
    # the same point of each year holds the same number of tasks: finished history is compacted away
    assert sizes == [sizes[0]] * 5, sizes
    assert sizes[0] < 60
    row = steps.agreement(services, case_id)
    assert row.state is not None
    assert [p["status"] for p in row.state["payments"]] == ["paid"] * 5
    assert [p.status for p in row.payments] == ["paid"] * 5
    assert [f.status for f in row.follow_ups] == ["approved"] * 5
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        states = element_states(case, services.engine.definition(s, case.definition_id))
    # passed long ago and no longer in the document, still marked as passed on the case's diagram
    assert states["interest"] == "completed" and states["board_decision"] == "completed"
    assert states["plan_agreement"] == "completed"


def test_a_dialogue_loop_repeated_keeps_its_data_and_a_bounded_document(services: Services, people: Any) -> None:
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    counts = []
    for meeting in range(1, 13):
        steps.complete(services, case_id, "dialogue", dict(steps.DIALOGUE, dialogue_complete=False,
                                                           minutes=f"Möte {meeting}"))
        counts.append(_document(services, case_id)[1])
    assert max(counts[2:]) <= counts[1], counts
    steps.complete(services, case_id, "dialogue", steps.DIALOGUE)
    for name, data in [("economic_plan", steps.PLAN), ("documents", steps.DOCS),
                       ("documents_check", steps.ALL_RECEIVED), ("suitability", steps.SUITABLE),
                       ("board_decision", steps.DECISION)]:
        steps.complete(services, case_id, name, data)
    period = steps.agreement(services, case_id).periods[0]
    assert (period.yearly_amount_sek, period.years, period.decision_ref) == (400000, 5, "KS § 123")
