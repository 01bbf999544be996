"""The administrators' mail when a case stops on an error (a listener of ``CaseEnded`` with status failed)."""

from __future__ import annotations

from app.core.roles import Role
from app.engine.events import CaseEnded
from app.engine.incidents import Incident
from app.i18n import translate
from app.models import Case
from app.notifications.outbox import Outbox
from app.notifications.recipients import role_holders


def _mail_text(case: Case, incident: Incident, lang: str) -> tuple[str, str]:
    values = {"reg": case.registration_number, "case": case.title, "step": incident.step,
              "message": incident.message(lang), "detail": incident.detail}
    return translate("mail.incident.subject", lang, **values), translate("mail.incident.body", lang, **values)


def tell_administrators(outbox: Outbox, ended: CaseEnded) -> None:
    """A mail to the municipality's administrators, in the same transaction as the incident."""
    if ended.status != "failed" or ended.incident is None:
        return
    step, case = ended.step, ended.step.case
    now = step.clock.now()
    for item in role_holders(step.session, case, Role.ADMIN):
        subject, body = _mail_text(case, ended.incident, item.language)
        outbox.queue(step.session, kind="incident", recipient=item.address, subject=subject, body=body,
                     case_id=case.id, user_id=item.user_id, now=now)
