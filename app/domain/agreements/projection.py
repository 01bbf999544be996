"""Keep the agreement tables in step with the agreement state: a projection for queries and notices.

The state lives in `agreements.state` and is changed by the service handlers through the store
(store.py) during a workflow step; they leave the new state in the step's context. When the step's
case is saved the engine announces ``CaseSaved`` (app/engine/events.py) and ``AgreementProjection``,
a listener build_services registers, writes the state and rebuilds the periods, payments, follow-ups
and claim rows from it, so timers, the API and the pages all keep the tables current without calling it.

Then it announces ``AgreementChanged`` (events.py): the stored rows before, the state after and the
task completions and timer firings of the same save, from which the agreement mail
(app/notifications/agreements.py) finds the notices to send.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar, cast

from app.core.statuses import AgreementStatus, ClaimStatus, FollowUpStatus, PaymentStatus
from app.domain.agreements import store
from app.domain.agreements.events import AgreementChanged, Before
from app.domain.agreements.records import AgreementState, Claim, FollowUp, Payment, Period, from_json, to_json
from app.domain.agreements.state import FOLLOW_UP_RANK, PAYMENT_RANK
from app.engine.events import CaseSaved, EventBus
from app.engine.step import StepContext
from app.models import CaseEvent
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod, RepaymentClaim

Record = TypeVar("Record", Payment, FollowUp)
Row = TypeVar("Row", Period, Payment, FollowUp)


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def best_records(records: list[Record], key: Callable[[Record], Any]) -> dict[str, Record]:
    """Each record (by id) in its most advanced form among the copies (statuses only move forward)."""
    best: dict[str, Record] = {}
    for record in records:
        current = best.get(record["id"])
        if current is None or key(record) > key(current):
            best[record["id"]] = record
    return best


class AgreementProjection:
    """The listener of ``CaseSaved`` that keeps the agreement tables; it announces ``AgreementChanged`` on `events`."""

    def __init__(self, events: EventBus) -> None:
        self.events = events

    def __call__(self, saved: CaseSaved) -> None:
        step = saved.step
        changed = store.staged(step)
        state = changed
        if state is None and any(_announced_by(e) for e in saved.recorded):
            state = store.load(step)  # e.g. the renewal dialogue opened: nothing changed, the stored state stays
        copies = [state] if state is not None else []
        with step.session.no_autoflush:
            self.sync(step, copies, changed, saved.recorded)

    def sync(self, step: StepContext, copies: list[AgreementState], changed: AgreementState | None,
             recorded: list[CaseEvent]) -> Agreement | None:
        """Write the agreement `copies` to the tables (`changed`: the new state to store) and announce the change."""
        if not copies:
            return None
        session, case = step.session, step.case
        base = max(copies, key=lambda c: (c["version"], len(c.get("notices") or []), c.get("status") != "running"))
        agreement = store.row(step)
        # what the rows say now, as a state
        old = from_json(agreement.state) if agreement is not None and agreement.state is not None else None
        before = Before.of(agreement, old)
        if agreement is None:
            agreement = Agreement(case_id=case.id, municipality_id=case.municipality_id, notices=[])
            session.add(agreement)
            store.remember(step, agreement)
        notices: dict[str, dict[str, Any]] = {n["id"]: cast(dict[str, Any], n)
                                               for c in copies for n in c.get("notices") or []}
        for n in agreement.notices or []:
            notices.setdefault(n["id"], n)
        terminal = [c["status"] for c in copies if c.get("status") != "running"]
        agreement.status = AgreementStatus(terminal[0]) if terminal else AgreementStatus.RUNNING
        agreement.current_version = base["version"]
        agreement.parties, agreement.statistics = base["parties"], base["statistics"]
        agreement.repayment_rule = base["repayment_rule"]
        agreement.notices = sorted(notices.values(), key=lambda n: (n["on"], n["id"]))
        if changed is not None:
            agreement.state = to_json(changed)
        agreement.updated_at = case.updated_at
        _sync_children(agreement, copies, base, old)
        self.events.announce(AgreementChanged(step, before, agreement, base, copies, recorded))
        return agreement


def _announced_by(recorded: CaseEvent) -> bool:
    """Events that bring a notice without changing the agreement state (app/notifications/agreements.py)."""
    return ((recorded.kind == "timer_fired" and recorded.task_name == "wait_dialogue")
            or (recorded.kind == "task_completed" and recorded.task_name in ("renewal_dialogue", "renewal_decision")))


def _changed(new: list[Row], stored: list[Row] | None, ident: Callable[[Row], Hashable]) -> list[Row]:
    """The records of `new` that differ from the `stored` ones (all of them without a stored state)."""
    if stored is None:
        return new
    before = {ident(r): r for r in stored}
    return [r for r in new if before.get(ident(r)) != r]


def _by_id(record: Payment | FollowUp) -> str:
    return record["id"]


def _sync_children(agreement: Agreement, copies: list[AgreementState], base: AgreementState,
                   old: AgreementState | None = None) -> None:
    """Rows from the records; with the stored state `old`, only the records that changed (so an unchanged
    collection is not even loaded)."""
    new_periods = _changed(base["periods"], None if old is None else old.get("periods") or [],
                           lambda p: p["version"])
    periods = {p.version: p for p in agreement.periods} if new_periods else {}
    for period in new_periods:
        per = periods.get(period["version"])
        if per is None:
            per = AgreementPeriod(version=period["version"])
            agreement.periods.append(per)
        per.start, per.end = _d(period["start"]), _d(period["end"])  # type: ignore[assignment]
        per.years, per.yearly_amount_sek = period["years"], period["yearly_amount_sek"]
        per.total_sek = period["total_sek"]
        per.payment_interval = period["interval"]
        per.decision_ref = str(period.get("decision_ref") or "")[:100]
        per.renewal_dialogue_opens = _d(period["renewal_dialogue_opens"])  # type: ignore[assignment]
        per.renewal_decision_deadline = _d(period["renewal_decision_deadline"])  # type: ignore[assignment]
    new_payments = _changed(list(best_records([p for c in copies for p in c["payments"]],
                                              lambda r: PAYMENT_RANK[r["status"]]).values()),
                            None if old is None else old.get("payments") or [], _by_id)
    pay_rows = {(r.version, r.number): r for r in agreement.payments} if new_payments else {}
    for p in new_payments:
        pay = pay_rows.get((p["version"], p["index"]))
        if pay is None:
            pay = AgreementPayment(version=p["version"], number=p["index"], status=PaymentStatus.PLANNED, reference="",
                                   municipality_id=agreement.municipality_id)
            agreement.payments.append(pay)
        pay.due, pay.amount_sek, pay.gate = _d(p["due"]), p["amount_sek"], p.get("gate")  # type: ignore[assignment]
        if PAYMENT_RANK[p["status"]] >= PAYMENT_RANK[pay.status]:
            pay.status = PaymentStatus(p["status"])
            pay.held_on = _d(p.get("held_on")) or pay.held_on
            pay.released_on = _d(p.get("released_on")) or pay.released_on
            pay.paid_on = _d(p.get("paid_on")) or pay.paid_on
            pay.reference = str(p.get("reference") or pay.reference or "")[:100]
    new_follow_ups = _changed(list(best_records([f for c in copies for f in c["follow_ups"]],
                                                lambda r: (r.get("round", 0), FOLLOW_UP_RANK[r["status"]])).values()),
                              None if old is None else old.get("follow_ups") or [], _by_id)
    fu_rows = {(r.version, r.year): r for r in agreement.follow_ups} if new_follow_ups else {}
    for f in new_follow_ups:
        fu = fu_rows.get((f["version"], f["year"]))
        if fu is None:
            fu = AgreementFollowUp(version=f["version"], year=f["year"], status=FollowUpStatus.PLANNED, rounds=0)
            agreement.follow_ups.append(fu)
        fu.opens, fu.due, fu.gates = _d(f["opens"]), _d(f["due"]), _d(f["gates"])  # type: ignore[assignment]
        if (f.get("round", 0), FOLLOW_UP_RANK[f["status"]]) >= (fu.rounds or 0, FOLLOW_UP_RANK[fu.status]):
            fu.status, fu.rounds = FollowUpStatus(f["status"]), f.get("round", 0)
    claims: list[Claim] = [r for c in copies if (r := c.get("repayment"))]
    if claims and (old is None or old.get("repayment") != base.get("repayment")):
        claim = max(claims, key=lambda c: c["settled_sek"])
        row_c = agreement.claim
        if row_c is None:
            row_c = RepaymentClaim(settled_sek=0)
            agreement.claim = row_c
            row_c.settled_sek = -1
        if claim["settled_sek"] >= row_c.settled_sek:
            row_c.terminated_on = _d(claim["terminated_on"])  # type: ignore[assignment]
            row_c.reason, row_c.rule = str(claim["reason"])[:2000], claim["rule"]
            row_c.amount_sek, row_c.settled_sek = claim["amount_sek"], claim["settled_sek"]
            row_c.status, row_c.lines = ClaimStatus(claim["status"]), cast(list[dict[str, Any]], claim["lines"])
