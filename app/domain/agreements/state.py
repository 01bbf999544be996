"""The agreement's state: one JSON-shaped dict (typed in records.py), stored in `agreements.state`.

The agreement service tasks of every municipality's process call these functions
through handlers/agreements.py; each takes the state and returns a new one (the
input is never modified). Records (payments, follow-ups) carry a status; statuses
only move forward, which lets the projection merge copies from parallel branches
by taking the most advanced status (see projection.py).
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any, Literal, TypeVar

from app.core.municipal_settings import AgreementSettings
from app.core.statuses import AgreementStatus, ClaimStatus, FollowUpStatus, PaymentStatus
from app.domain.agreements.payments import INTERVALS, check_period, derive_payment_plan, period_end
from app.domain.agreements.records import FOLLOW_UP_STAMPS, AgreementState, FollowUp, Next, Payment, Resources
from app.domain.agreements.repayment import REPAYMENT_RULES, PaidPayment, compute_repayment
from app.domain.agreements.schedule import follow_up_plan, renewal_dates

Record = TypeVar("Record", Payment, FollowUp)

PAYMENT_RANK: dict[str, int] = {status: rank for rank, status in enumerate(PaymentStatus)}  # planned 0 … cancelled 4
FOLLOW_UP_RANK: dict[str, int] = {
    FollowUpStatus.PLANNED: 0, FollowUpStatus.OPEN: 1, FollowUpStatus.SUBMITTED: 2, FollowUpStatus.RETURNED: 1,
    FollowUpStatus.APPROVED: 4, FollowUpStatus.CANCELLED: 5}


def _d(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _period_records(state: AgreementState, terms: dict[str, Any], version: int, previous_gate: str | None,
                    settings: AgreementSettings) -> None:
    start, years = _d(terms["start"]), int(terms["years"])
    check_period(years, settings.max_agreement_years)
    interval = terms.get("interval") or settings.default_payment_interval
    if interval not in INTERVALS:
        raise ValueError(f"unknown payment interval {interval!r}")
    amount = int(terms["yearly_amount_sek"])
    end = period_end(start, years)
    renewal = renewal_dates(end, settings)
    state["periods"].append({
        "version": version, "start": start.isoformat(), "end": end.isoformat(), "years": years,
        "yearly_amount_sek": amount, "total_sek": amount * years, "interval": interval,
        "decision_ref": terms.get("decision_ref") or "", "decided_on": terms.get("decided_on") or "",
        "renewal_dialogue_opens": renewal.dialogue_opens.isoformat(),
        "renewal_decision_deadline": renewal.decision_deadline.isoformat(),
        "next_start": (end + timedelta(days=1)).isoformat(),
    })
    for p in derive_payment_plan(start, years, amount, interval):
        gate = f"v{version}-f{p.agreement_year - 1}" if p.agreement_year > 1 else previous_gate
        state["payments"].append({
            "id": f"v{version}-p{p.index:02d}", "version": version, "index": p.index, "due": p.due.isoformat(),
            "amount_sek": p.amount_sek, "agreement_year": p.agreement_year, "gate": gate,
            "status": PaymentStatus.PLANNED,
        })
    for f in follow_up_plan(start, years, settings):
        state["follow_ups"].append({
            "id": f"v{version}-f{f.year}", "version": version, "year": f.year, "opens": f.opens.isoformat(),
            "due": f.due.isoformat(), "gates": f.gates.isoformat(), "status": FollowUpStatus.PLANNED, "round": 0,
        })
    state["version"] = version
    state["period"] = state["periods"][-1]


def new_agreement(terms: dict[str, Any], settings: AgreementSettings) -> AgreementState:
    """The first version of an agreement from the economic plan and the board's decision, under the
    settings of its municipality (terms["municipality"])."""
    municipality = str(terms.get("municipality") or "")
    if not municipality:
        raise ValueError("an agreement belongs to a municipality: terms['municipality'] names it")
    rule = terms.get("repayment_rule") or settings.default_repayment_rule
    if rule not in REPAYMENT_RULES:
        raise ValueError(f"unknown repayment rule {rule!r}")
    state: AgreementState = {
        "municipality": municipality, "version": 0,
        "parties": list(terms.get("parties") or []), "statistics": list(terms.get("statistics") or []),
        "repayment_rule": rule, "periods": [], "payments": [], "follow_ups": [], "repayment": None,
        "status": AgreementStatus.RUNNING, "resources": organisation_resources(terms),
    }
    _period_records(state, terms, 1, None, settings)
    return next_step(state)


def organisation_resources(terms: dict[str, Any]) -> Resources:
    """What the organisation brings each year: own funds and volunteer hours valued in kronor."""
    own = int(terms.get("own_funds_sek") or 0)
    hours = int(terms.get("volunteer_hours_per_year") or 0)
    rate = int(terms.get("volunteer_hour_value_sek") or 0)
    if min(own, hours, rate) < 0:
        raise ValueError("the organisation's resources cannot be negative")
    return {"own_funds_sek": own, "volunteer_hours_per_year": hours, "volunteer_hour_value_sek": rate,
            "volunteer_value_sek": hours * rate, "total_sek": own + hours * rate,
            "other": str(terms.get("other_resources") or "")}


def renew(state: AgreementState, terms: dict[str, Any], settings: AgreementSettings) -> AgreementState:
    """A new version: the next period starts the day after the current one ends."""
    new = copy.deepcopy(state)
    current = new["period"]
    terms = dict(terms, start=current["next_start"])
    last_gate = f"v{current['version']}-f{current['years']}"
    if terms.get("parties"):
        new["parties"] = list(terms["parties"])
    if terms.get("statistics"):
        new["statistics"] = list(terms["statistics"])
    _period_records(new, terms, int(current["version"]) + 1, last_gate, settings)
    return next_step(new)


def _current(records: list[Record], version: int) -> list[Record]:
    return [r for r in records if r["version"] == version]


def next_step(state: AgreementState) -> AgreementState:
    """What the period waits for next: a payment date, a follow-up opening, or the period's end."""
    new = copy.deepcopy(state)
    version = new["version"]
    candidates: list[tuple[str, int, Literal["payment", "follow_up"], str]] = []
    for p in _current(new["payments"], version):
        if p["status"] in (PaymentStatus.PLANNED, PaymentStatus.HELD):
            candidates.append((p["due"], 0, "payment", p["id"]))
    for f in _current(new["follow_ups"], version):
        if f["status"] == FollowUpStatus.PLANNED:
            candidates.append((f["opens"], 1, "follow_up", f["id"]))
    following: Next
    if candidates:
        day, _, kind, ref = min(candidates)
        following = {"kind": kind, "date": day, "ref": ref}
    else:
        following = {"kind": "end", "date": new["period"]["next_start"], "ref": ""}
    new["next"] = following
    new["current_payment"] = _find(new["payments"], following["ref"]) if following["kind"] == "payment" else None
    if following["kind"] == "follow_up":
        new["current_follow_up"] = _find(new["follow_ups"], following["ref"])
    return new


def _find(records: list[Record], ref: str) -> Record:
    for r in records:
        if r["id"] == ref:
            return r
    raise ValueError(f"no record {ref!r} in the agreement")


def _current_records(new: AgreementState, ref: str) -> AgreementState:
    """After the record `ref` of `new` changed: the current payment or follow-up, if it is that record, is
    the changed one."""
    current_payment = new.get("current_payment")
    if current_payment and current_payment["id"] == ref:
        new["current_payment"] = _find(new["payments"], ref)
    current_follow_up = new.get("current_follow_up")
    if current_follow_up and current_follow_up["id"] == ref:
        new["current_follow_up"] = _find(new["follow_ups"], ref)
    return new


def release_payment(state: AgreementState, today: str, settings: AgreementSettings) -> AgreementState:
    """Release the payment the period waited for; it escalates when still unpaid `payment_overdue_days` later."""
    ref = state["next"]["ref"]
    days = settings.payment_overdue_days
    escalates_on = (max(_d(today), _d(_find(state["payments"], ref)["due"])) + timedelta(days=days)).isoformat()
    new = copy.deepcopy(state)
    payment = _find(new["payments"], ref)
    payment["status"], payment["released_on"], payment["escalates_on"] = PaymentStatus.RELEASED, today, escalates_on
    return _current_records(new, ref)


def payment_paid(state: AgreementState, ref: str, paid_on: str, reference: str = "") -> AgreementState:
    new = copy.deepcopy(state)
    payment = _find(new["payments"], ref)
    payment["status"], payment["paid_on"], payment["reference"] = PaymentStatus.PAID, paid_on, reference
    return _current_records(new, ref)


def hold_gated_payments(state: AgreementState, follow_up_ref: str, today: str) -> AgreementState:
    """The follow-up that gates these payments is not approved on their date: hold them."""
    new = copy.deepcopy(state)
    for p in new["payments"]:
        if p.get("gate") == follow_up_ref and p["status"] == PaymentStatus.PLANNED and p["due"] <= today:
            p["status"], p["held_on"] = PaymentStatus.HELD, today
    return new


def follow_up_status(state: AgreementState, ref: str, status: str, today: str) -> AgreementState:
    if status not in FOLLOW_UP_RANK:
        raise ValueError(f"unknown follow-up status {status!r}")
    new = copy.deepcopy(state)
    record = _find(new["follow_ups"], ref)
    record["status"] = status
    record["round"] = int(record.get("round", 0)) + (1 if status == "submitted" else 0)
    record[FOLLOW_UP_STAMPS[status]] = today
    return _current_records(new, ref)


def terminate(state: AgreementState, terminated_on: str, reason: str, paid_ids: list[str]) -> AgreementState:
    """Stop the agreement early: cancel what is not paid, claim back what the rule says."""
    new = copy.deepcopy(state)
    version = new["version"]
    payments = _current(new["payments"], version)
    paid = set(paid_ids) | {p["id"] for p in payments if p["status"] == PaymentStatus.PAID}
    claim = compute_repayment(
        [PaidPayment(_d(p["due"]), int(p["amount_sek"]), p["id"] in paid) for p in payments],
        _d(new["period"]["end"]), _d(terminated_on), new["repayment_rule"])
    for p in payments:
        p["status"] = PaymentStatus.PAID if p["id"] in paid else PaymentStatus.CANCELLED
    for f in _current(new["follow_ups"], version):
        if f["status"] != FollowUpStatus.APPROVED:
            f["status"] = FollowUpStatus.CANCELLED
    new["status"] = AgreementStatus.TERMINATED
    new["repayment"] = {
        "terminated_on": _d(terminated_on).isoformat(), "reason": reason, "rule": new["repayment_rule"],
        "amount_sek": claim.amount_sek, "cancelled_sek": claim.cancelled_sek, "settled_sek": 0,
        "lines": [{"due": d.isoformat(), "amount_sek": a} for d, a in claim.lines],
        "status": ClaimStatus.OPEN if claim.amount_sek > 0 else ClaimStatus.SETTLED, "receipts": [],
    }
    return new


def repayment_received(state: AgreementState, amount_sek: int, received_on: str) -> AgreementState:
    new = copy.deepcopy(state)
    claim = new["repayment"]
    if claim is None:
        raise ValueError("the agreement has no repayment claim")
    if amount_sek < 0:
        raise ValueError("a repayment cannot be negative")
    claim["receipts"].append({"amount_sek": amount_sek, "received_on": received_on})
    claim["settled_sek"] = sum(r["amount_sek"] for r in claim["receipts"])
    claim["status"] = ClaimStatus.SETTLED if claim["settled_sek"] >= claim["amount_sek"] else ClaimStatus.OPEN
    return new


def finish(state: AgreementState, outcome: str) -> AgreementState:
    new = copy.deepcopy(state)
    new["status"] = outcome
    return new


def notice(state: AgreementState, kind: str, ref: str, today: str) -> AgreementState:
    """Record a reminder or escalation sent on the given day (the projection lists them)."""
    new = copy.deepcopy(state)
    notices = new.setdefault("notices", [])
    notices.append({"id": f"{kind}:{ref}:{today}", "kind": kind, "ref": ref, "on": today})
    return new
