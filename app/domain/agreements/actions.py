"""Use cases around a running agreement that start from outside the diagram."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import InvalidData
from app.core.statuses import PaymentStatus
from app.engine.runtime import CaseEngine
from app.models import Case, User
from app.models.agreement import Agreement, AgreementPayment

TERMINATE_MESSAGE = "terminate"


def terminate_agreement(session: Session, engine: CaseEngine, case: Case, actor: User | None,
                        terminated_on: str, reason: str) -> Case:
    """The activity changes or stops: end the period and raise the repayment claim.

    The payments already made come from the projection (the records finance keeps);
    the diagram computes the claim from them with the agreement's repayment rule.
    """
    try:
        date.fromisoformat(terminated_on)
    except ValueError as exc:
        raise InvalidData("write the date as YYYY-MM-DD", {"termination_date": "invalid date"}) from exc
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData("say why the agreement ends early", {"termination_reason": "required"})
    paid = session.scalars(select(AgreementPayment).join(Agreement).where(
        Agreement.case_id == case.id, AgreementPayment.status == PaymentStatus.PAID,
        AgreementPayment.version == Agreement.current_version))
    paid_ids = [f"v{p.version}-p{p.number:02d}" for p in paid]
    return engine.deliver_message(session, case, TERMINATE_MESSAGE, actor, {
        "termination_date": terminated_on, "termination_reason": reason, "paid_payment_ids": paid_ids})
