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

from datetime import date
from typing import Any

from app.domain.agreements import store
from app.domain.agreements.events import AgreementChanged, Before
from app.domain.agreements.state import FOLLOW_UP_RANK, PAYMENT_RANK
from app.engine.events import CaseSaved, EventBus
from app.engine.step import StepContext
from app.models import CaseEvent
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod, RepaymentClaim


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def best_records(records: list[dict[str, Any]], key: Any) -> dict[str, dict[str, Any]]:
    """Each record (by id) in its most advanced form among the copies (statuses only move forward)."""
    best: dict[str, dict[str, Any]] = {}
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

    def sync(self, step: StepContext, copies: list[dict[str, Any]], changed: dict[str, Any] | None,
             recorded: list[CaseEvent]) -> Agreement | None:
        """Write the agreement `copies` to the tables (`changed`: the new state to store) and announce the change."""
        if not copies:
            return None
        session, case = step.session, step.case
        base = max(copies, key=lambda c: (c["version"], len(c.get("notices") or []), c.get("status") != "running"))
        agreement = store.row(step)
        old = agreement.state if agreement is not None else None  # what the rows say now, as a state
        before = Before.of(agreement, old)
        if agreement is None:
            agreement = Agreement(case_id=case.id, municipality_id=case.municipality_id, notices=[])
            session.add(agreement)
            store.remember(step, agreement)
        notices = {n["id"]: n for c in copies for n in c.get("notices") or []}
        for n in agreement.notices or []:
            notices.setdefault(n["id"], n)
        terminal = [c["status"] for c in copies if c.get("status") != "running"]
        agreement.status = terminal[0] if terminal else "running"
        agreement.current_version = base["version"]
        agreement.parties, agreement.statistics = base["parties"], base["statistics"]
        agreement.repayment_rule = base["repayment_rule"]
        agreement.notices = sorted(notices.values(), key=lambda n: (n["on"], n["id"]))
        if changed is not None:
            agreement.state = changed
        agreement.updated_at = case.updated_at
        _sync_children(agreement, copies, base, old)
        self.events.announce(AgreementChanged(step, before, agreement, base, copies, recorded))
        return agreement


def _announced_by(recorded: CaseEvent) -> bool:
    """Events that bring a notice without changing the agreement state (app/notifications/agreements.py)."""
    return ((recorded.kind == "timer_fired" and recorded.task_name == "wait_dialogue")
            or (recorded.kind == "task_completed" and recorded.task_name in ("renewal_dialogue", "renewal_decision")))


def _changed(new: list[dict[str, Any]], old: dict[str, Any] | None, key: str) -> list[dict[str, Any]]:
    """The records of `new` that differ from the stored state's (all of them without a stored state)."""
    if old is None:
        return new
    before = {r["id"] if "id" in r else r["version"]: r for r in old.get(key) or []}
    return [r for r in new if before.get(r["id"] if "id" in r else r["version"]) != r]


def _sync_children(agreement: Agreement, copies: list[dict[str, Any]], base: dict[str, Any],
                   old: dict[str, Any] | None = None) -> None:
    """Rows from the records; with the stored state `old`, only the records that changed (so an unchanged
    collection is not even loaded)."""
    new_periods = _changed(base["periods"], old, "periods")
    periods = {p.version: p for p in agreement.periods} if new_periods else {}
    for p in new_periods:
        per = periods.get(p["version"])
        if per is None:
            per = AgreementPeriod(version=p["version"])
            agreement.periods.append(per)
        per.start, per.end, per.years = _d(p["start"]), _d(p["end"]), p["years"]  # type: ignore[assignment]
        per.yearly_amount_sek, per.total_sek = p["yearly_amount_sek"], p["total_sek"]
        per.payment_interval = p["interval"]
        per.decision_ref = str(p.get("decision_ref") or "")[:100]
        per.renewal_dialogue_opens = _d(p["renewal_dialogue_opens"])  # type: ignore[assignment]
        per.renewal_decision_deadline = _d(p["renewal_decision_deadline"])  # type: ignore[assignment]
    new_payments = _changed(list(best_records([p for c in copies for p in c["payments"]],
                                       lambda r: PAYMENT_RANK[r["status"]]).values()), old, "payments")
    pay_rows = {(r.version, r.number): r for r in agreement.payments} if new_payments else {}
    for p in new_payments:
        pay = pay_rows.get((p["version"], p["index"]))
        if pay is None:
            pay = AgreementPayment(version=p["version"], number=p["index"], status="planned", reference="",
                                   municipality_id=agreement.municipality_id)
            agreement.payments.append(pay)
        pay.due, pay.amount_sek, pay.gate = _d(p["due"]), p["amount_sek"], p.get("gate")  # type: ignore[assignment]
        if PAYMENT_RANK[p["status"]] >= PAYMENT_RANK[pay.status]:
            pay.status = p["status"]
            pay.held_on = _d(p.get("held_on")) or pay.held_on
            pay.released_on = _d(p.get("released_on")) or pay.released_on
            pay.paid_on = _d(p.get("paid_on")) or pay.paid_on
            pay.reference = str(p.get("reference") or pay.reference or "")[:100]
    new_follow_ups = _changed(list(best_records([f for c in copies for f in c["follow_ups"]],
                                         lambda r: (r.get("round", 0), FOLLOW_UP_RANK[r["status"]])).values()),
                              old, "follow_ups")
    fu_rows = {(r.version, r.year): r for r in agreement.follow_ups} if new_follow_ups else {}
    for f in new_follow_ups:
        fu = fu_rows.get((f["version"], f["year"]))
        if fu is None:
            fu = AgreementFollowUp(version=f["version"], year=f["year"], status="planned", rounds=0)
            agreement.follow_ups.append(fu)
        fu.opens, fu.due, fu.gates = _d(f["opens"]), _d(f["due"]), _d(f["gates"])  # type: ignore[assignment]
        if (f.get("round", 0), FOLLOW_UP_RANK[f["status"]]) >= (fu.rounds or 0, FOLLOW_UP_RANK[fu.status]):
            fu.status, fu.rounds = f["status"], f.get("round", 0)
    claims = [c["repayment"] for c in copies if c.get("repayment")]
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
            row_c.status, row_c.lines = claim["status"], claim["lines"]
