"""Payments across one municipality's agreements, for finance: `/finance/payments`, its CSV export and
`GET /api/v1/payments` (issue 10).

Reads the agreement projection (app/models/agreement.py) and the open tasks in four statements whatever the
number of agreements: the payments (with agreement, case and organisation), the open finance tasks of the
municipality's cases (who pays what, who records a repayment), the released unpaid payments (to pair them with
those tasks whatever the filters) and the repayment claims.

A payment's state is its projected status, except that a released payment still unpaid on the day its payment
subprocess escalates (the later of its date and its release, plus the municipality's `payment_overdue_days`,
as `state.release` computes it) is "overdue". Each open pay task of a case belongs to that case's released,
unpaid payments in order (the diagram releases them one after another and opens one task for each).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.statuses import PaymentStatus
from app.models import Case, OpenTask, Organisation
from app.models.agreement import Agreement, AgreementPayment, RepaymentClaim

STATES = ("planned", "released", "overdue", "held", "paid", "cancelled")
PAY_TASK = "pay"
REPAYMENT_TASK = "record_repayment"


@dataclass(frozen=True)
class PaymentRow:
    case_id: int
    registration_number: str
    organisation: str
    agreement_status: str
    version: int
    number: int
    due: date
    amount_sek: int
    status: str  # as projected: planned, held, released, paid, cancelled
    state: str  # status, or "overdue"
    gate: str | None
    held_on: date | None
    released_on: date | None
    paid_on: date | None
    reference: str
    overdue_from: date | None  # released payments: the day they count as overdue
    pay_task_id: str | None = None

    @property
    def ref(self) -> str:
        return f"v{self.version}-p{self.number:02d}"

    @property
    def held_for_year(self) -> int | None:
        """A held payment waits for the approval of this agreement year's follow-up."""
        year = (self.gate or "").rsplit("-f", 1)[-1]
        return int(year) if self.state == "held" and year.isdigit() else None


@dataclass(frozen=True)
class ClaimRow:
    case_id: int
    registration_number: str
    organisation: str
    terminated_on: date
    reason: str
    amount_sek: int
    settled_sek: int
    status: str  # open, settled
    task_id: str | None

    @property
    def left_sek(self) -> int:
        return max(self.amount_sek - self.settled_sek, 0)


@dataclass
class Payments:
    today: date
    rows: list[PaymentRow]
    sums: dict[str, int] = field(default_factory=dict)  # SEK per state of the rows shown
    counts: dict[str, int] = field(default_factory=dict)
    claims: list[ClaimRow] = field(default_factory=list)

    @property
    def total_sek(self) -> int:
        return sum(self.sums.values())


def _statuses(state: str | None) -> tuple[str, ...] | None:
    if not state:
        return None
    return ("released",) if state in ("released", "overdue") else (state,)


def payments(session: Session, municipality_id: int, today: date, *, overdue_days: int, state: str | None = None,
             due_from: date | None = None, due_to: date | None = None) -> Payments:
    """The municipality's payments due in [due_from, due_to] (either open), in `state` if given, earliest first;
    the sums per state; the repayment claims with their open task."""
    if state and state not in STATES:
        raise ValueError(f"unknown payment state {state!r}")
    query = (select(AgreementPayment, Agreement.case_id, Agreement.status, Case.registration_number,
                    Organisation.name)
             .join(Agreement, Agreement.id == AgreementPayment.agreement_id)
             .join(Case, Case.id == Agreement.case_id)
             .join(Organisation, Organisation.id == Case.organisation_id, isouter=True)
             .where(Agreement.municipality_id == municipality_id))
    statuses = _statuses(state)
    if statuses:
        query = query.where(AgreementPayment.status.in_(statuses))
    if due_from:
        query = query.where(AgreementPayment.due >= due_from)
    if due_to:
        query = query.where(AgreementPayment.due <= due_to)
    query = query.order_by(AgreementPayment.due, Case.registration_number, AgreementPayment.version,
                           AgreementPayment.number)
    tasks: dict[tuple[int, str], list[str]] = defaultdict(list)
    for task_id, case_id, name in session.execute(
            select(OpenTask.id, OpenTask.case_id, OpenTask.name)
            .where(OpenTask.municipality_id == municipality_id, OpenTask.name.in_((PAY_TASK, REPAYMENT_TASK)))
            .order_by(OpenTask.created_at, OpenTask.id)):
        tasks[(case_id, name)].append(task_id)
    found: list[PaymentRow] = []
    for pay, case_id, agreement_status, registration, organisation in session.execute(query):
        overdue_from = None
        derived: str = pay.status
        if pay.status == PaymentStatus.RELEASED:
            overdue_from = max(pay.due, pay.released_on or pay.due) + timedelta(days=overdue_days)
            if today >= overdue_from:
                derived = "overdue"
        if state and derived != state:
            continue
        found.append(PaymentRow(case_id, registration or "", organisation or "", agreement_status, pay.version,
                                pay.number, pay.due, pay.amount_sek, pay.status, derived, pay.gate, pay.held_on,
                                pay.released_on, pay.paid_on, pay.reference or "", overdue_from))
    released = session.execute(
        select(Agreement.case_id, AgreementPayment.version, AgreementPayment.number)
        .join(Agreement, Agreement.id == AgreementPayment.agreement_id)
        .where(Agreement.municipality_id == municipality_id, AgreementPayment.status == PaymentStatus.RELEASED)
        .order_by(Agreement.case_id, AgreementPayment.version, AgreementPayment.number)).all()
    rows = _with_pay_tasks(found, [(c, f"v{v}-p{n:02d}") for c, v, n in released], tasks)
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for row in rows:
        sums[row.state] = sums.get(row.state, 0) + row.amount_sek
        counts[row.state] = counts.get(row.state, 0) + 1
    claims = [ClaimRow(case_id, registration or "", organisation or "", claim.terminated_on, claim.reason or "",
                       claim.amount_sek, claim.settled_sek, claim.status,
                       next(iter(tasks.get((case_id, REPAYMENT_TASK), [])), None))
              for claim, case_id, registration, organisation in session.execute(
                  select(RepaymentClaim, Agreement.case_id, Case.registration_number, Organisation.name)
                  .join(Agreement, Agreement.id == RepaymentClaim.agreement_id)
                  .join(Case, Case.id == Agreement.case_id)
                  .join(Organisation, Organisation.id == Case.organisation_id, isouter=True)
                  .where(Agreement.municipality_id == municipality_id)
                  .order_by(RepaymentClaim.terminated_on.desc(), Case.registration_number))]
    return Payments(today, rows, sums, counts, claims)


def _with_pay_tasks(rows: list[PaymentRow], released: list[tuple[int, str]],
                    tasks: dict[tuple[int, str], list[str]]) -> list[PaymentRow]:
    """Each case's open pay tasks (oldest first) go to its released, unpaid payments in order."""
    waiting = {case_id: list(ids) for (case_id, name), ids in tasks.items() if name == PAY_TASK}
    task_of: dict[tuple[int, str], str] = {}
    for case_id, ref in released:
        queue = waiting.get(case_id)
        if queue:
            task_of[(case_id, ref)] = queue.pop(0)
    return [replace(r, pay_task_id=task_of.get((r.case_id, r.ref))) if (r.case_id, r.ref) in task_of else r
            for r in rows]


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    due_from: date | None = None
    due_to: date | None = None


FILTER_MESSAGES = {  # English, for the API; the page translates `finance.error.<code>`
    "state": "one of " + ", ".join(STATES),
    "date": "a date YYYY-MM-DD",
    "order": "the first day is after the last day",
    "state_status": "state and status name the same filter; give one, or the same value in both",
}


def parse_filters(state: str | None, due_from: str | None, due_to: str | None) -> tuple[Filters, dict[str, str]]:
    """The filters from query parameters, and per bad parameter a problem code (state, date, order)."""
    problems: dict[str, str] = {}
    chosen = (state or "").strip() or None
    if chosen is not None and chosen not in STATES:
        problems["state"] = "state"
        chosen = None
    days: dict[str, date | None] = {}
    for name, raw in (("from", due_from), ("to", due_to)):
        text = (raw or "").strip()
        days[name] = None
        if text:
            try:
                days[name] = date.fromisoformat(text) if len(text) == 10 else None
            except ValueError:
                days[name] = None
            if days[name] is None:
                problems[name] = "date"
    if days["from"] and days["to"] and days["from"] > days["to"]:
        problems["to"] = "order"
    return Filters(chosen, days["from"], days["to"]), problems
