"""The agreement state's records, typed: what `agreements.state` stores and the handlers pass around.

The state is JSON (the column `agreements.state`, and the `iop` view the workflow keeps), so each record
is a `TypedDict`: at run time a plain dict, serialised exactly as before, while mypy checks every field
name and value type in the code that reads or writes it. Dates are ISO strings ("2026-01-01"), amounts
whole kronor. Statuses are the strings of app/core/statuses.py (a record read back from JSON holds plain
strings, a fresh one the enumeration's members; the two compare and serialise alike).

Keys a record gains on the way (a payment's `paid_on`, a follow-up's `submitted_on`, the state's
`notices`) are `NotRequired`: older states, and records that have not reached that step, lack them.

`from_json` and `to_json` are the two places where the untyped column meets these types.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, cast


class Period(TypedDict):
    """One agreement period (a version): its dates, amounts and renewal dates."""

    version: int
    start: str
    end: str  # the last day, inclusive
    years: int
    yearly_amount_sek: int
    total_sek: int
    interval: str  # a payment interval of app/domain/agreements/payments.py INTERVALS
    decision_ref: str
    decided_on: str
    renewal_dialogue_opens: str
    renewal_decision_deadline: str
    next_start: str  # the day after `end`: where a renewed period starts


class Payment(TypedDict):
    """One planned payment of a period (statuses: app.core.statuses.PaymentStatus)."""

    id: str  # "v<version>-p<index:02d>"
    version: int
    index: int  # 1-based within the period
    due: str
    amount_sek: int
    agreement_year: int
    gate: str | None  # the id of the follow-up that must be approved first (None: the first year's payments)
    status: str
    held_on: NotRequired[str]
    released_on: NotRequired[str]
    escalates_on: NotRequired[str]  # released and still unpaid on this day: the finance task escalates
    paid_on: NotRequired[str]
    reference: NotRequired[str]


# the day a follow-up reached each status is kept under "<status>_on"
FollowUpStamp = Literal["planned_on", "open_on", "submitted_on", "returned_on", "approved_on", "cancelled_on"]
FOLLOW_UP_STAMPS: dict[str, FollowUpStamp] = {
    "planned": "planned_on", "open": "open_on", "submitted": "submitted_on", "returned": "returned_on",
    "approved": "approved_on", "cancelled": "cancelled_on"}


class FollowUp(TypedDict):
    """The yearly follow-up report of agreement year `year` (statuses: app.core.statuses.FollowUpStatus)."""

    id: str  # "v<version>-f<year>"
    version: int
    year: int
    opens: str
    due: str
    gates: str  # the first payment date that needs it approved
    status: str
    round: int  # how many times the organisation submitted it
    planned_on: NotRequired[str]
    open_on: NotRequired[str]
    submitted_on: NotRequired[str]
    returned_on: NotRequired[str]
    approved_on: NotRequired[str]
    cancelled_on: NotRequired[str]


class Next(TypedDict):
    """What the period waits for next: a payment date, a follow-up opening, or the period's end."""

    kind: Literal["payment", "follow_up", "end"]
    date: str
    ref: str  # the payment's or follow-up's id ("" at the end)


class Notice(TypedDict):
    """A reminder or escalation sent on a day."""

    id: str  # "<kind>:<ref>:<on>"
    kind: str
    ref: str
    on: str


class ClaimLine(TypedDict):
    due: str  # the paid payment's date
    amount_sek: int  # the part of it claimed back


class Receipt(TypedDict):
    amount_sek: int
    received_on: str


class Claim(TypedDict):
    """The repayment claim of an agreement ended early (statuses: app.core.statuses.ClaimStatus)."""

    terminated_on: str
    reason: str
    rule: str  # a rule of app/domain/agreements/repayment.py REPAYMENT_RULES
    amount_sek: int
    cancelled_sek: int  # planned payments that will not be made
    settled_sek: int
    lines: list[ClaimLine]
    status: str
    receipts: list[Receipt]


class Resources(TypedDict):
    """What the organisation brings each year: own funds and volunteer hours valued in kronor."""

    own_funds_sek: int
    volunteer_hours_per_year: int
    volunteer_hour_value_sek: int
    volunteer_value_sek: int
    total_sek: int
    other: str


class AgreementState(TypedDict):
    """The whole agreement: every period's records, what it waits for next, its claim and notices."""

    municipality: str
    version: int  # the current period's
    parties: list[dict[str, Any]]  # as the economic plan's form gives them
    statistics: list[str]
    repayment_rule: str
    periods: list[Period]
    payments: list[Payment]
    follow_ups: list[FollowUp]
    repayment: Claim | None
    status: str  # app.core.statuses.AgreementStatus
    resources: NotRequired[Resources]
    period: NotRequired[Period]  # the current period (set as soon as the first one is planned)
    next: NotRequired[Next]
    current_payment: NotRequired[Payment | None]
    current_follow_up: NotRequired[FollowUp]
    notices: NotRequired[list[Notice]]


class View(TypedDict):
    """The part of the state the workflow keeps as `iop`: what its timers and gateways read."""

    version: int | None
    status: str | None
    next: Next | None
    period: Period | None
    current_payment: Payment | None
    current_follow_up: FollowUp | None
    repayment: Claim | None


def from_json(stored: dict[str, Any]) -> AgreementState:
    """The state as the column `agreements.state` holds it."""
    return cast(AgreementState, stored)


def to_json(state: AgreementState) -> dict[str, Any]:
    """The state as the column `agreements.state` stores it (the same dict)."""
    return cast(dict[str, Any], state)
