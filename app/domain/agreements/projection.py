"""Keep the agreement tables in step with the agreement state: a projection for queries and notices.

The state lives in `agreements.state` and is changed by the service handlers through the store
(store.py) during a workflow step. When the step's case is saved (its workflow document
changed), this projection runs in the session's before_flush hook: it writes the state and
rebuilds the periods, payments, follow-ups and claim rows from it, so timers, the API and the
pages all keep the tables current without calling it.

Agreements begun under version 1 of the Stenungsund diagram still carry their state inside the
workflow as the task data variable `iop`; after a fork the workflow may hold several copies (a
reminder or hold branch worked on its own copy). For those the projection reads every copy from
the saved document and, since statuses only move forward, keeps the most advanced status of
each record.

The same comparison (stored rows before, state after, plus the task completions and timer firings
the engine recorded in this transaction) yields the agreement's notices: the board's decision, a
held payment, a follow-up reminder, the renewal dialogue opening, a decline or renewal decision,
an early termination with its claim and the claim settled. They are mailed through
app/notifications/agreements.py in the same transaction, once each.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.domain.agreements import store
from app.domain.agreements.payments import INTERVAL_TITLES
from app.domain.agreements.state import FOLLOW_UP_RANK, PAYMENT_RANK
from app.models import Case, CaseEvent
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod, RepaymentClaim
from app.notifications import agreements as mail
from app.notifications import texts

_HAS_AGREEMENT = '"iop":{'
_MARKER = '"iop":{"municipality"'


def iop_copies(document: Any) -> Iterator[dict[str, Any]]:
    """Every `iop` state inside a serialized version 1 workflow document."""
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


def sync_case(session: Session, case: Case, now: Any, state: dict[str, Any] | None = None) -> Agreement | None:
    """Write the case's agreement state (given, changed in this session, or carried by a version 1
    workflow) to the agreement tables and mail what changed; None when the case has no agreement."""
    if state is None:
        state = store.pending(session).get(case.id)
    changed = state is not None
    events = [e for e in session.new if isinstance(e, CaseEvent) and e.case_id == case.id]
    copies: list[dict[str, Any]] = []
    if state is None and _HAS_AGREEMENT in case.workflow_json:
        if _MARKER in case.workflow_json:  # the whole state in the workflow (planned before the store)
            copies = list(iop_copies(json.loads(case.workflow_json)))
        elif any(_announced_by(e) for e in events):  # e.g. the renewal dialogue opened: nothing changed, but tell
            state = store.load(session, case.id)
    if state is not None:
        copies = [state]
    if not copies:
        return None
    base = max(copies, key=lambda c: (c["version"], len(c.get("notices") or []), c.get("status") != "running"))
    agreement = store.row(session, case.id)
    old = agreement.state if agreement is not None else None  # what the rows say now, as a state
    before = _Before.of(agreement, old)
    if agreement is None:
        agreement = Agreement(case_id=case.id, municipality_id=case.municipality_id, notices=[])
        session.add(agreement)
        store.remember(session, agreement)
    notices = {n["id"]: n for c in copies for n in c.get("notices") or []}
    for n in agreement.notices or []:
        notices.setdefault(n["id"], n)
    terminal = [c["status"] for c in copies if c.get("status") != "running"]
    agreement.status = terminal[0] if terminal else "running"
    agreement.current_version = base["version"]
    agreement.parties, agreement.statistics = base["parties"], base["statistics"]
    agreement.repayment_rule = base["repayment_rule"]
    agreement.notices = sorted(notices.values(), key=lambda n: (n["on"], n["id"]))
    if changed:
        agreement.state = state
    agreement.updated_at = now
    _sync_children(agreement, copies, base, old)
    mail.send(session, case, list(base["parties"]), announcements(case, before, agreement, base, copies, events),
              now)
    return agreement


def _announced_by(recorded: CaseEvent) -> bool:
    """Events that bring a notice without changing the agreement state (see `announcements`)."""
    return ((recorded.kind == "timer_fired" and recorded.task_name == "wait_dialogue")
            or (recorded.kind == "task_completed" and recorded.task_name in ("renewal_dialogue", "renewal_decision")))


@dataclass(frozen=True)
class _Before:
    """What the stored projection said before this save: new decisions and holds are mailed once."""

    exists: bool = False
    status: str = ""
    notice_ids: frozenset[str] = frozenset()
    held: frozenset[tuple[int, int]] = frozenset()
    claim_status: str = ""

    @classmethod
    def of(cls, agreement: Agreement | None, old: dict[str, Any] | None) -> _Before:
        if agreement is None:
            return cls()
        notice_ids = frozenset(n["id"] for n in agreement.notices or [])
        if old is not None:  # read from the stored state: the rows need not be loaded
            claim = old.get("repayment")
            return cls(True, agreement.status, notice_ids,
                       frozenset((p["version"], p["index"]) for p in old["payments"] if p["status"] != "planned"),
                       str(claim["status"]) if claim else "")
        return cls(True, agreement.status, notice_ids,
                   frozenset((p.version, p.number) for p in agreement.payments if p.status != "planned"),
                   agreement.claim.status if agreement.claim is not None else "")


def announcements(case: Case, before: _Before, agreement: Agreement, base: dict[str, Any],
                  copies: list[dict[str, Any]], events: list[CaseEvent]) -> list[mail.AgreementNotice]:
    """The notices this save brings: from the state's changes and the engine's events of the same transaction."""
    reg, title = case.registration_number, case.title
    period = base["period"]
    version = base["version"]
    found: list[mail.AgreementNotice] = []
    if not before.exists and agreement.status == "running":
        first = base["periods"][0]
        found.append(mail.AgreementNotice("decision", "decided:v1", partial(
            texts.agreement_decided, reg, title, first, INTERVAL_TITLES.get(first["interval"], first["interval"]))))
    payments = _best([p for c in copies for p in c["payments"]], lambda r: PAYMENT_RANK[r["status"]]).values()
    held = sorted((p for p in payments if p["status"] == "held" and (p["version"], p["index"]) not in before.held),
                  key=lambda p: (p["version"], p["index"]))
    if held:
        found.append(mail.AgreementNotice(
            "payment_held", "held:" + ",".join(f"v{p['version']}-p{p['index']:02d}" for p in held),
            partial(texts.payment_held, reg, title, [(str(p["due"]), int(p["amount_sek"])) for p in held])))
    follow_ups = {f["id"]: f for c in copies for f in c["follow_ups"]}
    for n in agreement.notices or []:
        if n["id"] in before.notice_ids or n["kind"] != "follow_up_reminder" or n["ref"] not in follow_ups:
            continue
        f = follow_ups[n["ref"]]
        found.append(mail.AgreementNotice("follow_up_reminder", n["id"], partial(
            texts.follow_up_missing, reg, title, int(f["year"]), f["due"], f["gates"])))
    claims = [c["repayment"] for c in copies if c.get("repayment")]
    claim = max(claims, key=lambda c: c["settled_sek"]) if claims else None
    if agreement.status == "terminated" and before.status != "terminated" and claim is not None:
        found.append(mail.AgreementNotice("decision", f"terminated:v{version}", partial(
            texts.agreement_terminated, reg, title, dict(claim)), to=(mail.PARTIES, "finance")))
    if claim is not None and claim["status"] == "settled" and before.claim_status == "open":
        found.append(mail.AgreementNotice("decision", f"repaid:v{version}", partial(
            texts.repayment_settled, reg, title, int(claim["settled_sek"])), to=(mail.PARTIES, "finance")))
    for recorded in events:
        values = (recorded.data or {}).get("values") or {}
        if recorded.kind == "timer_fired" and recorded.task_name == "wait_dialogue":
            found.append(mail.AgreementNotice("renewal_opened", f"renewal_opened:v{version}", partial(
                texts.renewal_opened, reg, title, period["end"], period["renewal_decision_deadline"])))
        elif (recorded.kind == "task_completed" and recorded.task_name == "renewal_dialogue"
              and values.get("renewal_declined_by") in ("organisation", "municipality")):
            found.append(mail.AgreementNotice("decision", f"renewal_declined:v{version}", partial(
                texts.renewal_declined, reg, title, str(values["renewal_declined_by"]), period["end"])))
        elif recorded.kind == "task_completed" and recorded.task_name == "renewal_decision":
            found.append(mail.AgreementNotice("decision", f"renewal_decided:v{version}", partial(
                texts.renewal_decided, reg, title, values.get("board_renews") is True, values, period["next_start"],
                period["end"])))
    return found


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
    new_payments = _changed(list(_best([p for c in copies for p in c["payments"]],
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
    new_follow_ups = _changed(list(_best([f for c in copies for f in c["follow_ups"]],
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
