"""A renewal decided after the decision deadline (issue 10): the municipality's `late_renewal_decision` says what
happens, "warn" (the decision stands and the case history records that it came late) or "refuse" (the task is
not completed; the agreement then runs out at the end of its period, as the diagram's lapse timer says).

It concerns the board's task `renewal_decision` of a case with an agreement, and only a decision *to renew*:
deciding not to renew changes nothing about the period ending. The day that counts is the decision date the
board gives in the form (`renewal_decision_date`), or the day it is recorded when that is missing, not a date,
or in the future; it is late when after the current period's `renewal_decision_deadline` (three months before
the period ends: "renewed at the latest three months before").

Called by `app.domain.task_actions.complete` (pages and API); the engine itself, the timer sweep and the
simulation do not pass through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.errors import InvalidData
from app.core.municipal_settings import AgreementSettings, settings_of
from app.engine import history
from app.models import Case, CaseEvent, OpenTask, User
from app.models.agreement import Agreement

TASK = "renewal_decision"
EVENT = "late_renewal_decision"
DATE_FIELD = "renewal_decision_date"

REFUSED = {
    "sv": "Beslutet om ny avtalsperiod kommer efter tidsgränsen {deadline} (tre månader före periodens slut "
          "{end}). Kommunens regler tillåter inte sena beslut om förnyelse; överenskommelsen löper ut {end}.",
    "en": "The decision on a new period comes after the deadline {deadline} (three months before the period ends "
          "on {end}). The municipality's rules do not allow late renewals; the agreement runs out on {end}.",
}


@dataclass(frozen=True)
class Late:
    deadline: date
    decided_on: date
    period_end: date
    version: int


def _decided_on(data: dict[str, Any], today: date) -> date:
    raw = data.get(DATE_FIELD)
    if isinstance(raw, str) and len(raw) == 10:
        try:
            given = date.fromisoformat(raw)
        except ValueError:
            return today
        return given if given <= today else today
    return today


def late_decision(session: Session, clock: Clock, case: Case, task: OpenTask, data: dict[str, Any]) -> Late | None:
    """The lateness of this completion, if it is a late decision to renew an agreement."""
    if task.name != TASK or data.get("board_renews") is not True:
        return None
    agreement = session.scalar(select(Agreement).where(Agreement.case_id == case.id))
    if agreement is None:
        return None
    period = next((p for p in agreement.periods if p.version == agreement.current_version), None)
    if period is None:
        return None
    decided = _decided_on(data, clock.today())
    if decided <= period.renewal_decision_deadline:
        return None
    return Late(period.renewal_decision_deadline, decided, period.end, period.version)


def check(session: Session, clock: Clock, case: Case, task: OpenTask, data: dict[str, Any],
          lang: str = "sv") -> Late | None:
    """Before completing: a late decision where the municipality refuses them is InvalidData (422), naming the
    decision date; where it warns, the lateness is returned for `record`."""
    late = late_decision(session, clock, case, task, data)
    if late is None:
        return None
    settings = settings_of(case.municipality).agreement if case.municipality is not None else AgreementSettings()
    if settings.late_renewal_decision == "refuse":
        text = REFUSED.get(lang, REFUSED["sv"]).format(deadline=late.deadline.isoformat(),
                                                       end=late.period_end.isoformat())
        raise InvalidData("the renewal decision comes after the decision deadline and the municipality refuses "
                          "late decisions", {DATE_FIELD: text})
    return late


def record(session: Session, clock: Clock, case: Case, actor: User, late: Late) -> None:
    """After completing: the case history says the decision came late (title: the deadline)."""
    history.append(session, CaseEvent(case_id=case.id, at=clock.now(), actor_id=actor.id,
                          actor_name=actor.display_name or actor.username, kind=EVENT,
                          task_name=TASK, title=late.deadline.isoformat(), data={
                              "deadline": late.deadline.isoformat(), "decided_on": late.decided_on.isoformat(),
                              "period_end": late.period_end.isoformat(), "version": late.version,
                              "setting": "warn"}))
    session.flush()
