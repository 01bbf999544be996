"""De minimis at a decision that grants support: the check before it, the record after it, the sums.

Which steps grant support is said by `DECISIONS` (process, decision step -> where the amount and the date
come from). The organisation says in its economic plan whether it has economic activity (an undertaking in
EU law, even as a non-profit) and declares the other de minimis aid it received (`other_de_minimis`, empty:
none). Without economic activity (or in a case started before the question existed) a decision is no aid.

`check` (called by app.domain.task_actions.complete, before the engine, like late_renewal) weighs the new
aid against everything recorded for the organisation in every municipality of the installation plus its
declaration, on the decision date: above the ceiling the decision is refused (InvalidData naming the
regulation field), unless made under the SGEI regulation and within its ceiling. `record` (the listener of
TaskCompleted, wired by app/services.py) writes the `StateAid` row and leaves it in the step's `staged` for
the letter to the organisation (app/notifications).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import InvalidData
from app.domain.state_aid.window import Aid, Assessment, assess, counts_on, eur_cents, in_euro
from app.engine.events import TaskCompleted
from app.i18n import translate
from app.i18n.formats import eur
from app.models import Case, CaseEvent, User
from app.models.state_aid import DE_MINIMIS, REGULATIONS, StateAid

STAGED = "state_aid"  # the key in StepContext.staged
RATE_FIELD = "eur_rate"
REGULATION_FIELD = "state_aid_regulation"
ACTIVITY_FIELD = "economic_activity"
DECLARATION_FIELD = "other_de_minimis"
MAX_DECLARED_EUR = 100_000_000


def _whole(value: Any) -> int | None:
    """A whole number from the API (int) or a page (digits as text); None otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _total(values: Mapping[str, Any], yearly_field: str, years_field: str) -> int | None:
    yearly, years = _whole(values.get(yearly_field)), _whole(values.get(years_field))
    return yearly * years if yearly is not None and years is not None else None


def _plan_total(plan: Mapping[str, Any], _decision: Mapping[str, Any]) -> int | None:
    """The first period: the economic plan's support per year times its years."""
    return _total(plan, "yearly_support_sek", "period_years")


def _renewal_total(_plan: Mapping[str, Any], decision: Mapping[str, Any]) -> int | None:
    """A new period: what the board's renewal decision grants per year times its years."""
    return _total(decision, "renewal_yearly_support_sek", "renewal_years")


@dataclass(frozen=True)
class DecisionSpec:
    """A decision step that grants support: granted when `granted_field` is true, decided on `date_field`,
    the amount (SEK, for the whole period decided) from the values of `plan_task` (where the organisation
    also answered the state-aid questions) and of the decision."""

    granted_field: str
    date_field: str
    plan_task: str
    amount_sek: Callable[[Mapping[str, Any], Mapping[str, Any]], int | None]


DECISIONS: dict[tuple[str, str], DecisionSpec] = {
    ("stenungsund_agreement", "board_decision"): DecisionSpec("board_enters", "decision_date", "economic_plan",
                                                              _plan_total),
    ("stenungsund_agreement", "renewal_decision"): DecisionSpec("board_renews", "renewal_decision_date",
                                                                "economic_plan", _renewal_total),
}

def regulation_name(regulation: str, lang: str = "sv") -> str:
    return translate(f"state_aid.regulation.{regulation}", lang)


def latest_values(session: Session, case_id: int, task_name: str) -> dict[str, Any]:
    """The values of the latest completion of `task_name` in the case's history ({} if none)."""
    event = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "task_completed",
                                                   CaseEvent.task_name == task_name)
                            .order_by(CaseEvent.id.desc()).limit(1)).first()
    values = event.data.get("values") if event is not None else None
    return dict(values) if isinstance(values, dict) else {}


def _day(raw: Any) -> date | None:
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    return None


def declared_aid(plan: Mapping[str, Any]) -> list[Aid]:
    """The organisation's declaration of other de minimis aid (rows without a date or amount are left out)."""
    rows = plan.get(DECLARATION_FIELD)
    found = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        day, amount = _day(row.get("decided_on")), row.get("amount_eur")
        if day is not None and isinstance(amount, int | float) and 0 <= amount <= MAX_DECLARED_EUR:
            found.append(Aid(day, round(amount * 100)))
    return found


def recorded_aid(session: Session, organisation_id: int) -> list[StateAid]:
    """Every aid recorded for the organisation, in every municipality of the installation, oldest first."""
    return list(session.scalars(select(StateAid).where(StateAid.organisation_id == organisation_id)
                                .order_by(StateAid.decided_on, StateAid.id)))


@dataclass(frozen=True)
class Pending:
    """A decision about to grant aid: its amount in SEK, date and assessment. Without a (valid) rate `rate` is
    None and the assessment counts the new aid as 0: what is already recorded and declared still shows."""

    spec: DecisionSpec
    amount_sek: int
    decided_on: date
    regulation: str
    rate: str | None
    assessment: Assessment


def _rate(raw: Any) -> str | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    text = str(raw).strip().replace(",", ".")
    try:
        eur_cents(100, text)
    except ValueError:
        return None
    return text


def pending(session: Session, case: Case, task_name: str, values: Mapping[str, Any], today: date,
            *, require_grant: bool = True) -> Pending | None:
    """The aid this decision would grant, or None: not a granting step, not granted, no economic activity."""
    spec = DECISIONS.get((case.definition.process_id, task_name))
    if spec is None or (require_grant and values.get(spec.granted_field) is not True):
        return None
    plan = latest_values(session, case.id, spec.plan_task)
    if plan.get(ACTIVITY_FIELD) is not True:
        return None
    amount = spec.amount_sek(plan, values)
    if amount is None:
        if require_grant:
            return None  # nothing granted to count (the form or the engine refuses such a decision)
        amount = 0  # a page before the amount is typed: what is recorded and declared still shows
    decided_on = _day(values.get(spec.date_field)) or today
    regulation = str(values.get(REGULATION_FIELD) or DE_MINIMIS)
    rate = _rate(values.get(RATE_FIELD))
    recorded = [Aid(r.decided_on, r.amount_eur_cents) for r in recorded_aid(session, case.organisation_id)]
    result = assess(decided_on, regulation if regulation in REGULATIONS else DE_MINIMIS, recorded,
                    declared_aid(plan), eur_cents(amount, rate) if rate is not None else 0)
    return Pending(spec, amount, decided_on, regulation, rate, result)


def check(session: Session, case: Case, task_name: str, data: Mapping[str, Any], today: date,
          lang: str = "sv") -> Pending | None:
    """Before the decision: no rate, or aid above the ceiling, is InvalidData (422) naming the field."""
    found = pending(session, case, task_name, data, today)
    if found is None:
        return None
    if found.regulation not in REGULATIONS:
        raise InvalidData("unknown state-aid regulation",
                          {REGULATION_FIELD: translate("state_aid.regulation_unknown", lang)})
    if found.rate is None:
        raise InvalidData("the exchange rate of the decision date is missing",
                          {RATE_FIELD: translate("state_aid.rate_missing", lang)})
    if found.assessment.refused:
        a = found.assessment
        text = translate("state_aid.refused", lang, total=eur(in_euro(a.total_cents), lang),
                         ceiling=eur(in_euro(a.ceiling_cents), lang),
                         regulation=regulation_name(a.regulation, lang))
        raise InvalidData("the de minimis ceiling would be exceeded", {REGULATION_FIELD: text})
    return found


def record(event: TaskCompleted) -> StateAid | None:
    """After the decision: the aid it granted, in SEK and EUR, from the decision date."""
    step = event.step
    found = pending(step.session, step.case, event.task_name, event.values, step.clock.today())
    if found is None or found.rate is None or found.regulation not in REGULATIONS:
        return None
    actor: User | None = step.actor
    row = StateAid(organisation_id=step.case.organisation_id, municipality_id=step.case.municipality_id,
                   case_id=step.case.id, task_name=event.task_name, decided_on=found.decided_on,
                   amount_sek=found.amount_sek, eur_rate=found.rate, amount_eur_cents=found.assessment.new_cents,
                   regulation=found.regulation, confirmed_by_id=actor.id if actor else None,
                   confirmed_by_name=actor.display_name if actor else "", recorded_at=step.clock.now())
    step.session.add(row)
    step.staged[STAGED] = row
    return row


@dataclass(frozen=True)
class Overview:
    """An organisation's recorded aid and the rolling three-year sum on `day` (every municipality)."""

    day: date
    aids: list[StateAid]
    window_cents: int


def overview(session: Session, organisation_id: int, day: date) -> Overview:
    aids = recorded_aid(session, organisation_id)
    total = sum(a.amount_eur_cents for a in aids if counts_on(a.decided_on, day))
    return Overview(day, aids, total)
