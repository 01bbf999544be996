"""The administrators' mail when a case stops on an error (a listener of ``CaseEnded`` with status failed)."""

from __future__ import annotations

from app.engine.events import CaseEnded
from app.engine.incidents import Incident
from app.models import Case
from app.notifications.outbox import Outbox
from app.notifications.recipients import role_holders


def _mail_text(case: Case, incident: Incident, lang: str) -> tuple[str, str]:
    if lang == "en":
        return (f"Case {case.registration_number} has stopped on an error",
                f"The case {case.registration_number} ({case.title}) has stopped at the step '{incident.step}'.\n\n"
                f"{incident.detail}\n\nOn the case page an administrator can retry, skip the step, pause or "
                "cancel the case.\n\nThis message was sent automatically. Please do not reply to it.")
    return (f"Ärende {case.registration_number} har stoppats av ett fel",
            f"Ärendet {case.registration_number} ({case.title}) har stoppats.\n\n{incident.message}\n\n"
            "På ärendesidan kan en administratör försöka igen, hoppa över steget, pausa eller avbryta ärendet.\n\n"
            "Det här meddelandet skickades automatiskt. Svara inte på det.")


def tell_administrators(outbox: Outbox, ended: CaseEnded) -> None:
    """A mail to the municipality's administrators, in the same transaction as the incident."""
    if ended.status != "failed" or ended.incident is None:
        return
    step, case = ended.step, ended.step.case
    now = step.clock.now()
    for item in role_holders(step.session, case, "admin"):
        subject, body = _mail_text(case, ended.incident, item.language)
        outbox.queue(step.session, kind="incident", recipient=item.address, subject=subject, body=body,
                     case_id=case.id, user_id=item.user_id, now=now)
