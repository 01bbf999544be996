"""What the agreement projection announces after it wrote a case's agreement rows.

``AgreementChanged`` goes out on the engine's event bus (app/engine/events.py) from the projection
(projection.py) each time a save touched an agreement: what the rows said before (``Before``), the row
now, the state records it was built from and the history entries of the same save. The agreement mail
(app/notifications/agreements.py) listens to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.statuses import PaymentStatus
from app.domain.agreements.records import AgreementState
from app.engine.step import StepContext
from app.models import CaseEvent
from app.models.agreement import Agreement


@dataclass(frozen=True)
class Before:
    """What the stored projection said before this save: new decisions and holds are mailed once."""

    exists: bool = False
    status: str = ""
    notice_ids: frozenset[str] = frozenset()
    held: frozenset[tuple[int, int]] = frozenset()
    claim_status: str = ""

    @classmethod
    def of(cls, agreement: Agreement | None, old: AgreementState | None) -> Before:
        if agreement is None:
            return cls()
        notice_ids = frozenset(n["id"] for n in agreement.notices or [])
        if old is not None:  # read from the stored state: the rows need not be loaded
            claim = old.get("repayment")
            return cls(True, agreement.status, notice_ids,
                       frozenset((p["version"], p["index"]) for p in old["payments"] if p["status"] != "planned"),
                       str(claim["status"]) if claim else "")
        return cls(True, agreement.status, notice_ids,
                   frozenset((p.version, p.number) for p in agreement.payments if p.status != PaymentStatus.PLANNED),
                   agreement.claim.status if agreement.claim is not None else "")


@dataclass(frozen=True)
class AgreementChanged:
    step: StepContext
    before: Before
    agreement: Agreement  # the row as written now
    base: AgreementState  # the state the row follows (the most advanced of `copies`)
    copies: list[AgreementState]  # every state of the save (one since migration 0023 converted version 1)
    recorded: list[CaseEvent]  # the history entries of the same save (task completions, timer firings)
