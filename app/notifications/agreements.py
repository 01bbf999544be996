"""Mail about a running agreement: decisions, held payments, follow-up reminders, the renewal dialogue.

The agreement projection (app/domain/agreements/projection.py) sees what changed in the `iop` state
and which task completions and timer firings the engine recorded in the same transaction, and hands
the resulting notices here. Each notice is mailed once per recipient: its key is
``agreement:<case>:<ref>:<address>``, and a key already in the outbox is not queued again. A notice
carries its text unrendered (a function of the language): each recipient gets it in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case
from app.models.notification import Notification
from app.notifications.outbox import store
from app.notifications.recipients import Recipient, party_recipients, role_holders, unique
from app.notifications.texts import Text, once_per_language

PARTIES = "parties"
_SENT = "iop_agreement_keys"


@dataclass(frozen=True)
class AgreementNotice:
    kind: str  # the outbox kind: decision, payment_held, follow_up_reminder, renewal_opened
    ref: str  # what the notice is about, unique within the case (e.g. "renewal_declined:v1")
    text: Text  # (subject, body) in a language, e.g. partial(texts.payment_held, reg, title, payments)
    to: tuple[str, ...] = (PARTIES,)  # "parties" (every party organisation) and/or role names


def _key(case_id: int, ref: str, address: str) -> str:
    return f"agreement:{case_id}:{ref}:{address.strip().lower()}"[:200]


def send(session: Session, case: Case, parties: list[dict[str, object]], notices: list[AgreementNotice],
         now: datetime) -> int:
    """Queue the notices' mail in the caller's transaction; returns how many mails were queued."""
    queued = 0
    sent: set[str] = session.info.setdefault(_SENT, set())
    for notice in notices:
        people: list[Recipient] = []
        for target in notice.to:
            people.extend(party_recipients(session, case, parties) if target == PARTIES
                          else role_holders(session, case, target))
        prefix = f"agreement:{case.id}:{notice.ref}:"
        with session.no_autoflush:
            query = select(Notification.key).where(Notification.key.startswith(prefix, autoescape=True))
            known = set(session.scalars(query))
        render = once_per_language(notice.text)
        for person in unique(people):
            key = _key(case.id, notice.ref, person.address)
            if key in known or key in sent:
                continue
            sent.add(key)
            subject, body = render(person.language)
            store(session, kind=notice.kind, recipient=person.address, subject=subject, body=body,
                  case_id=case.id, user_id=person.user_id, key=key, now=now)
            queued += 1
    return queued
