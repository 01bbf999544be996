"""Keep the agreement tables in step with the workflow: a projection of the `iop` state.

After a fork the workflow may hold several copies of `iop` (a reminder or hold
branch works on its own copy). Statuses only move forward, so the projection
merges every copy it finds in the saved workflow with the rows already stored
and keeps the most advanced status of each record. It runs in the session's
before_flush hook for any case whose workflow document changed, so timers,
the API and the pages all keep the tables current without calling it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.domain.agreements.state import FOLLOW_UP_RANK, PAYMENT_RANK
from app.models import Case
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod, RepaymentClaim

_MARKER = '"iop":{"municipality"'


def iop_copies(document: Any) -> Iterator[dict[str, Any]]:
    """Every `iop` state inside a serialized workflow document."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "iop" and isinstance(value, dict) and "payments" in value:
                    yield value
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _best(records: list[dict[str, Any]], key: Any) -> dict[str, dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    for record in records:
        current = best.get(record["id"])
        if current is None or key(record) > key(current):
            best[record["id"]] = record
    return best


def sync_case(session: Session, case: Case, now: Any) -> Agreement | None:
    copies = list(iop_copies(json.loads(case.workflow_json))) if _MARKER in case.workflow_json else []
    if not copies:
        return None
    base = max(copies, key=lambda c: (c["version"], len(c.get("notices") or []), c.get("status") != "running"))
    agreement = session.scalar(select(Agreement).where(Agreement.case_id == case.id))
    if agreement is None:
        agreement = Agreement(case_id=case.id, municipality_id=case.municipality_id, notices=[])
        session.add(agreement)
    notices = {n["id"]: n for c in copies for n in c.get("notices") or []}
    for n in agreement.notices or []:
        notices.setdefault(n["id"], n)
    terminal = [c["status"] for c in copies if c.get("status") != "running"]
    agreement.status = terminal[0] if terminal else "running"
    agreement.current_version = base["version"]
    agreement.parties, agreement.statistics = base["parties"], base["statistics"]
    agreement.repayment_rule = base["repayment_rule"]
    agreement.notices = sorted(notices.values(), key=lambda n: (n["on"], n["id"]))
    agreement.updated_at = now
    _sync_children(agreement, copies, base)
    return agreement


def _sync_children(agreement: Agreement, copies: list[dict[str, Any]], base: dict[str, Any]) -> None:
    periods = {p.version: p for p in agreement.periods}
    for p in base["periods"]:
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
    pay_rows = {(r.version, r.number): r for r in agreement.payments}
    for p in _best([p for c in copies for p in c["payments"]], lambda r: PAYMENT_RANK[r["status"]]).values():
        pay = pay_rows.get((p["version"], p["index"]))
        if pay is None:
            pay = AgreementPayment(version=p["version"], number=p["index"], status="planned", reference="")
            agreement.payments.append(pay)
        pay.due, pay.amount_sek, pay.gate = _d(p["due"]), p["amount_sek"], p.get("gate")  # type: ignore[assignment]
        if PAYMENT_RANK[p["status"]] >= PAYMENT_RANK[pay.status]:
            pay.status = p["status"]
            pay.held_on = _d(p.get("held_on")) or pay.held_on
            pay.released_on = _d(p.get("released_on")) or pay.released_on
            pay.paid_on = _d(p.get("paid_on")) or pay.paid_on
            pay.reference = str(p.get("reference") or pay.reference or "")[:100]
    fu_rows = {(r.version, r.year): r for r in agreement.follow_ups}
    for f in _best([f for c in copies for f in c["follow_ups"]],
                   lambda r: (r.get("round", 0), FOLLOW_UP_RANK[r["status"]])).values():
        fu = fu_rows.get((f["version"], f["year"]))
        if fu is None:
            fu = AgreementFollowUp(version=f["version"], year=f["year"], status="planned", rounds=0)
            agreement.follow_ups.append(fu)
        fu.opens, fu.due, fu.gates = _d(f["opens"]), _d(f["due"]), _d(f["gates"])  # type: ignore[assignment]
        if (f.get("round", 0), FOLLOW_UP_RANK[f["status"]]) >= (fu.rounds or 0, FOLLOW_UP_RANK[fu.status]):
            fu.status, fu.rounds = f["status"], f.get("round", 0)
    claims = [c["repayment"] for c in copies if c.get("repayment")]
    if claims:
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


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    changed = [obj for obj in list(session.new) + list(session.dirty)
               if isinstance(obj, Case) and obj.id is not None and obj.workflow_json
               and inspect(obj).attrs.workflow_json.history.has_changes()]
    if not changed:
        return
    with session.no_autoflush:
        for case in changed:
            sync_case(session, case, case.updated_at)


def install() -> None:
    """Register the projection hook once for every session."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
