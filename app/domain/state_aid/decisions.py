"""De minimis at a decision that grants support: the check before it, the record after it, the sums.

Which steps grant support is said by `DECISIONS` (process, decision step -> where the amount and the date
come from). The organisation says in its economic plan whether it has economic activity (an undertaking in
EU law, even as a non-profit) and declares the other de minimis aid it received (`other_de_minimis`, empty:
none). Without economic activity (or in a case started before the question existed) a decision is no aid.

`check` (called by app.domain.task_actions.complete, before the engine, like late_renewal) weighs the new
aid against everything recorded for the organisation in every municipality of the installation plus its
declaration, on the decision date: above the ceiling the decision is refused (InvalidData naming the
regulation field), unless made under the SGEI regulation and within its ceiling. `record` (the listener of
TaskCompleted, wired by app/services.py) runs the same check again and only then writes the `StateAid` row
and leaves it in the step's `staged` for the letter to the organisation (app/notifications). The engine
announces TaskCompleted on every path that completes a task (a user through a page or the API, the system
through app.driving, a simulation), so no path decides past the ceiling or without a rate: the listener's
InvalidData aborts the step and its unit of work rolls back.

A decision that grants support for a new period (a renewal) is weighed with a fresh declaration: the
decision's own values say whether the organisation's earlier declaration still holds
(`other_de_minimis_status`: "unchanged") or give the new one ("updated" with the rows of `other_de_minimis`);
with economic activity and neither, the decision is refused naming that field. "unchanged" means the latest
earlier declaration of the case (an earlier renewal's "updated" rows, else the economic plan's). The window
is that of the renewal's own decision date.

How a decision step joins (a new process, or a new decision step of one):

1. Its form has the decision's fields: a boolean that grants (`granted_field`), the decision date
   (`date_field`, format date), the exchange rate `eur_rate` (type number, SEK per euro; the page accepts a
   decimal comma) and `state_aid_regulation` (enum `de_minimis_2023_2831`, `sgei_2023_2832`, default the
   first); for a new period also `other_de_minimis_status` and `other_de_minimis` (copy them from
   processes/forms/agreement_renewal_decision.json).
2. An earlier task of the process (`plan_task`) holds `economic_activity` (boolean) and the organisation's
   declaration `other_de_minimis` (rows of grantor, decided_on, amount_eur; copy them from
   processes/forms/stenungsund_economic_plan.json).
3. One entry in `DECISIONS`: `(process_id, task_name): DecisionSpec(granted_field, date_field, plan_task,
   amount_sek, renewal=...)`, where `amount_sek(plan_values, decision_values)` is the SEK granted for the
   whole period decided, or None when the values do not say (`_plan_total` and `_renewal_total` for the
   plan's and a renewal decision's "per year times years" under Stenungsund's field names, `total_of` for
   other names, or a function of one's own). A step that decides a new period sets `renewal=True` and its
   form carries the two declaration fields of step 1, else its decision cannot be completed for an
   organisation with economic activity (the refusal names `other_de_minimis_status`). Nothing else: the
   panel on the task page, the check on every completion path, the record, the letter and
   GET /organisations/{id}/state-aid follow from the entry.
4. A test that the decision records the aid (and is refused above the ceiling), as
   tests/stenungsund/test_state_aid.py does for Stenungsund.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import InvalidData
from app.domain.state_aid.window import Aid, Assessment, assess, counts_on, eur_cents, in_euro
from app.engine.events import TaskCompleted
from app.engine.form_paths import path_name
from app.i18n import translate
from app.i18n.formats import eur
from app.models import Case, CaseEvent, User
from app.models.state_aid import DE_MINIMIS, REGULATIONS, StateAid

AmountRule = Callable[[Mapping[str, Any], Mapping[str, Any]], int | None]  # (plan values, decision values) -> SEK

STAGED = "state_aid"  # the key in StepContext.staged
RATE_FIELD = "eur_rate"
REGULATION_FIELD = "state_aid_regulation"
ACTIVITY_FIELD = "economic_activity"
DECLARATION_FIELD = "other_de_minimis"
DECLARATION_STATUS_FIELD = "other_de_minimis_status"  # a new period: "unchanged" or "updated"
UNCHANGED, UPDATED = "unchanged", "updated"
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


def total_of(yearly_field: str, years_field: str, *, in_decision: bool = False) -> AmountRule:
    """An amount rule: `yearly_field` times `years_field`, read from the plan (or from the decision)."""
    def amount(plan: Mapping[str, Any], decision: Mapping[str, Any]) -> int | None:
        return _total(decision if in_decision else plan, yearly_field, years_field)
    return amount


_plan_total = total_of("yearly_support_sek", "period_years")  # the first period: per year times years
_renewal_total = total_of("renewal_yearly_support_sek", "renewal_years", in_decision=True)  # a new period


@dataclass(frozen=True)
class DecisionSpec:
    """A decision step that grants support: granted when `granted_field` is true, decided on `date_field`,
    the amount (SEK, for the whole period decided) from the values of `plan_task` (where the organisation
    also answered the state-aid questions) and of the decision. `renewal`: a new period, whose decision
    carries the organisation's fresh declaration (or its confirmation that the earlier one holds)."""

    granted_field: str
    date_field: str
    plan_task: str
    amount_sek: AmountRule
    renewal: bool = False


DECISIONS: dict[tuple[str, str], DecisionSpec] = {
    ("stenungsund_agreement", "board_decision"): DecisionSpec("board_enters", "decision_date", "economic_plan",
                                                              _plan_total),
    ("stenungsund_agreement", "renewal_decision"): DecisionSpec("board_renews", "renewal_decision_date",
                                                                "economic_plan", _renewal_total, renewal=True),
    ("gavle_agreement", "committee_decision"): DecisionSpec("board_enters", "decision_date", "economic_plan",
                                                            _plan_total),
    ("gavle_agreement", "renewal_decision"): DecisionSpec("board_renews", "renewal_decision_date", "economic_plan",
                                                          _renewal_total, renewal=True),
    ("kungsbacka_agreement", "decision"): DecisionSpec("enters", "decision_date", "budget", _plan_total),
    ("kungsbacka_agreement", "renewal_decision"): DecisionSpec("board_renews", "renewal_decision_date", "budget",
                                                               _renewal_total, renewal=True),
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


def _declaration(session: Session, case: Case, task_name: str, spec: DecisionSpec, plan: Mapping[str, Any],
                 values: Mapping[str, Any]) -> tuple[list[Aid], bool]:
    """The organisation's declaration in force at this decision, and whether one was given. The first period:
    the plan's. A new period: the decision's own rows ("updated") or the latest earlier declaration
    ("unchanged": an earlier renewal's update, else the plan's); neither: none given."""
    if not spec.renewal:
        return declared_aid(plan), True
    status = values.get(DECLARATION_STATUS_FIELD)
    if status == UPDATED:
        return declared_aid(values), True
    if status != UNCHANGED:
        return declared_aid(plan), False
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                     CaseEvent.kind == "task_completed",
                                                     CaseEvent.task_name == task_name)
                             .order_by(CaseEvent.id.desc()))
    for event in events:
        earlier = event.data.get("values") if isinstance(event.data, dict) else None
        if isinstance(earlier, dict) and earlier.get(DECLARATION_STATUS_FIELD) == UPDATED:
            return declared_aid(earlier), True
    return declared_aid(plan), True


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
    rate_typed: bool = False  # a rate was given but is not one (text, zero, negative): its own message
    declared: bool = True  # False: a new period's decision without the organisation's fresh declaration


# the rates taken as SEK per euro: anything outside is a typing mistake ("1e308", "1e-300" would also make the
# euro sums too large or too small to compute and show)
MIN_RATE = Decimal("0.0001")
MAX_RATE = Decimal(1000)


def _rate(raw: Any) -> str | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    text = str(raw).strip().replace(",", ".")
    try:
        rate = Decimal(text)
    except InvalidOperation:
        return None
    if not rate.is_finite() or not MIN_RATE <= rate <= MAX_RATE:
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
    raw_rate = values.get(RATE_FIELD)
    rate = _rate(raw_rate)
    declared, given = _declaration(session, case, task_name, spec, plan, values)
    recorded = [Aid(r.decided_on, r.amount_eur_cents) for r in recorded_aid(session, case.organisation_id)]
    result = assess(decided_on, regulation if regulation in REGULATIONS else DE_MINIMIS, recorded,
                    declared, eur_cents(amount, rate) if rate is not None else 0)
    typed = rate is None and raw_rate is not None and not (isinstance(raw_rate, str) and not raw_rate.strip())
    return Pending(spec, amount, decided_on, regulation, rate, result, rate_typed=typed, declared=given)


def check(session: Session, case: Case, task_name: str, data: Mapping[str, Any], today: date,
          lang: str = "sv") -> Pending | None:
    """Before the decision: no rate, or aid above the ceiling, is InvalidData (422) naming the field; so is other
    aid declared (in the plan or a new period's decision) as decided after today, which would never count."""
    _declared_dates(case, task_name, data, today, lang)
    found = pending(session, case, task_name, data, today)
    if found is None:
        return None
    _verify(found, lang)
    return found


def _declared_dates(case: Case, task_name: str, data: Mapping[str, Any], today: date, lang: str) -> None:
    process_id = case.definition.process_id
    if not any(pid == process_id and task_name in (name, spec.plan_task) for (pid, name), spec in DECISIONS.items()):
        return
    rows = data.get(DECLARATION_FIELD)
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        day = _day(row.get("decided_on")) if isinstance(row, dict) else None
        if day is not None and day > today:
            message = translate("state_aid.declared_in_future", lang)
            raise InvalidData(message, {path_name([DECLARATION_FIELD, index, "decided_on"]): message})


def _verify(found: Pending, lang: str) -> None:
    """The refusals, each naming the field to change: regulation, rate, a new period's declaration, ceiling."""
    if found.regulation not in REGULATIONS:
        raise InvalidData("unknown state-aid regulation",
                          {REGULATION_FIELD: translate("state_aid.regulation_unknown", lang)})
    if found.rate is None and found.rate_typed:
        raise InvalidData("the exchange rate is not a number above zero",
                          {RATE_FIELD: translate("state_aid.rate_invalid", lang)})
    if found.rate is None:
        raise InvalidData("the exchange rate of the decision date is missing",
                          {RATE_FIELD: translate("state_aid.rate_missing", lang)})
    if not found.declared:
        raise InvalidData("the organisation's declaration of other de minimis aid for the new period is missing",
                          {DECLARATION_STATUS_FIELD: translate("state_aid.declaration_missing", lang)})
    if found.assessment.refused:
        a = found.assessment
        text = translate("state_aid.refused", lang, total=eur(in_euro(a.total_cents), lang),
                         ceiling=eur(in_euro(a.ceiling_cents), lang),
                         regulation=regulation_name(a.regulation, lang))
        raise InvalidData("the de minimis ceiling would be exceeded", {REGULATION_FIELD: text})


def record(event: TaskCompleted) -> StateAid | None:
    """After the decision: the aid it granted, in SEK and EUR, from the decision date. The check again first,
    for every way a task is completed (without a user too): a refusal aborts the step (InvalidData)."""
    step = event.step
    found = pending(step.session, step.case, event.task_name, event.values, step.clock.today())
    if found is None:
        return None
    _verify(found, "sv")
    assert found.rate is not None
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
