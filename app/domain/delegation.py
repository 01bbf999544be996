"""Decisions under delegation: recorded when a decision step is completed, reported to the committee per meeting.

A municipality's delegation order (`DelegationItem` rows, loaded from the `delegation` list of
config/municipalities/<slug>.json where none are stored) names the decision steps an official takes on a
committee's behalf. `record_decision` is the listener of `TaskCompleted` (wired by app/services.py): for such
a step it records who decided, under which item, when, and the decision as fed back to the organisation.
`report` marks decisions as reported to the committee at a meeting and adds an entry to each case's history;
`decisions` lists them per municipality, unreported or per report (the list the committee's secretary reads
out under "Anmälan av delegationsbeslut").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.errors import Conflict, InvalidData, NotFound
from app.engine import history
from app.engine.events import TaskCompleted
from app.models import Case, CaseEvent, Municipality, User
from app.models.delegation import DelegatedDecision, DelegationItem, DelegationReport

REPORTED_KIND = "decision_reported"  # the history entry of a case whose decision was reported
MAX_REFERENCE = 120
MAX_COMMITTEE = 200


@dataclass(frozen=True)
class ItemSpec:
    """One item of a delegation order as config/ writes it."""

    code: str
    title: str
    delegate: str
    committee: str
    process_id: str
    task_name: str

    @classmethod
    def from_mapping(cls, values: dict[str, Any], where: str) -> ItemSpec:
        missing = [name for name in ("code", "title", "delegate", "committee", "process_id", "task_name")
                   if not isinstance(values.get(name), str) or not values[name].strip()]
        if missing:
            raise ValueError(f"{where}: a delegation item needs {', '.join(missing)} (text)")
        return cls(**{name: values[name].strip() for name in cls.__dataclass_fields__})


def load_items(session: Session, municipality: Municipality, specs: Sequence[ItemSpec]) -> None:
    """The municipality's delegation order from config/, unless one is stored (a stored order is kept)."""
    if session.scalar(select(DelegationItem.id).where(DelegationItem.municipality_id == municipality.id)
                      .limit(1)) is not None:
        return
    for spec in specs:
        session.add(DelegationItem(municipality_id=municipality.id, code=spec.code, title=spec.title,
                                   delegate=spec.delegate, committee=spec.committee, process_id=spec.process_id,
                                   task_name=spec.task_name))


def items_of(session: Session, municipality_id: int) -> list[DelegationItem]:
    return list(session.scalars(select(DelegationItem).where(DelegationItem.municipality_id == municipality_id)
                                .order_by(DelegationItem.code, DelegationItem.id)))


def record_decision(event: TaskCompleted) -> DelegatedDecision | None:
    """Record the completed step as a delegated decision if the case's delegation order names it."""
    step = event.step
    case = step.case
    item = step.session.scalar(select(DelegationItem).where(
        DelegationItem.municipality_id == case.municipality_id,
        DelegationItem.process_id == case.definition.process_id,
        DelegationItem.task_name == event.task_name))
    if item is None:
        return None
    actor = step.actor
    decision = DelegatedDecision(
        municipality_id=case.municipality_id, case_id=case.id, task_name=event.task_name, step_title=event.title,
        item_code=item.code, item_title=item.title, delegate=item.delegate, committee=item.committee,
        decided_by_id=actor.id if actor else None, decided_by_name=actor.display_name if actor else "",
        decided_at=step.clock.now(), summary=event.feedback)
    step.session.add(decision)
    return decision


def decisions(session: Session, municipality_id: int, *, report_id: int | None = None,
              unreported: bool = False) -> list[tuple[DelegatedDecision, str]]:
    """The municipality's delegated decisions with their cases' registration numbers, oldest first."""
    query = (select(DelegatedDecision, Case.registration_number)
                          .join(Case, Case.id == DelegatedDecision.case_id)
                          .where(DelegatedDecision.municipality_id == municipality_id))
    if report_id is not None:
        query = query.where(DelegatedDecision.report_id == report_id)
    elif unreported:
        query = query.where(DelegatedDecision.report_id.is_(None))
    rows = session.execute(query.order_by(DelegatedDecision.decided_at, DelegatedDecision.id)).all()
    return [(row[0], row[1]) for row in rows]


def reports(session: Session, municipality_id: int) -> list[DelegationReport]:
    return list(session.scalars(select(DelegationReport).where(DelegationReport.municipality_id == municipality_id)
                                .order_by(DelegationReport.meeting_on.desc(), DelegationReport.id.desc())))


def report_of(session: Session, municipality_id: int, report_id: int) -> DelegationReport:
    found = session.get(DelegationReport, report_id)
    if found is None or found.municipality_id != municipality_id:
        raise NotFound("no such report")
    return found


def report(session: Session, clock: Clock, user: User, municipality_id: int, decision_ids: Sequence[int],
           committee: str, meeting_on: date, reference: str) -> DelegationReport:
    """Report the decisions to the committee's meeting; each case's history says so.

    Refused (InvalidData, naming the field) without decisions, committee or with too long texts; a decision
    of another municipality is not found; one already reported is a Conflict."""
    committee, reference = committee.strip(), reference.strip()
    if not decision_ids:
        raise InvalidData("decisions", {"decisions": "choose at least one decision"})
    if not committee or len(committee) > MAX_COMMITTEE:
        raise InvalidData("committee", {"committee": f"required, at most {MAX_COMMITTEE} characters"})
    if len(reference) > MAX_REFERENCE:
        raise InvalidData("reference", {"reference": f"at most {MAX_REFERENCE} characters"})
    chosen = list(session.scalars(select(DelegatedDecision).where(DelegatedDecision.id.in_(set(decision_ids)))
                                  .with_for_update()))
    if len(chosen) != len(set(decision_ids)) or any(d.municipality_id != municipality_id for d in chosen):
        raise NotFound("no such decision")
    if any(d.report_id is not None for d in chosen):
        raise Conflict("a decision chosen has already been reported")
    now = clock.now()
    made = DelegationReport(municipality_id=municipality_id, committee=committee, meeting_on=meeting_on,
                            reference=reference, reported_by_id=user.id, reported_by_name=user.display_name,
                            reported_at=now)
    session.add(made)
    session.flush()
    for decision in chosen:
        decision.report_id = made.id
        history.append(session, CaseEvent(
            case_id=decision.case_id, at=now, actor_id=user.id, actor_name=user.display_name, kind=REPORTED_KIND,
            task_name=decision.task_name, title=decision.step_title,
            data={"decision_id": decision.id, "item_code": decision.item_code, "committee": committee,
                  "meeting_on": meeting_on.isoformat(), "reference": reference}))
    return made
