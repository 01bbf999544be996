"""What a simulation returns: the dated timeline of one agreement, its periods and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.simulation.options import SimulationOptions
from app.simulation.party_view import PartyView

# Timeline event kinds, in the order a legend shows them.
KINDS: tuple[str, ...] = (
    "decision", "period_start", "payment_released", "payment_held", "payment_paid",
    "follow_up_opened", "follow_up_reminder", "follow_up_submitted", "follow_up_returned",
    "follow_up_approved", "hold_escalated", "renewal_dialogue_opened", "renewal_declined",
    "renewal_decided", "renewal_escalated", "renewal_lapsed", "agreement_ended",
)


class SimulationError(RuntimeError):
    """The simulated case got stuck or took a path the simulation does not know."""



@dataclass(frozen=True)
class TimelineEvent:
    on: date
    kind: str
    ref: str = ""  # the agreement record: v1-p03 (payment), v1-f2 (follow-up), v2 (period)
    amount_sek: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class SimulatedPeriod:
    version: int
    start: date
    end: date
    yearly_amount_sek: int
    interval: str
    renewal_dialogue_opens: date
    renewal_decision_deadline: date


@dataclass
class SimulationResult:
    options: SimulationOptions
    registration_number: str
    decision_on: date
    events: list[TimelineEvent]
    periods: list[SimulatedPeriod]
    outcome: str | None
    ended_on: date | None
    total_paid_sek: int
    steps: int
    stopped_on: date | None = None  # set when the agreement was still running at the horizon
    party_view: PartyView | None = None  # what the organisation sees of the case at the end (app.domain.visibility)

    def of_kind(self, *kinds: str) -> list[TimelineEvent]:
        return [e for e in self.events if e.kind in kinds]

    def dates(self, kind: str) -> list[str]:
        return [e.on.isoformat() for e in self.events if e.kind == kind]


