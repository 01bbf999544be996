"""Mail about a running agreement: decisions, held payments, follow-up reminders, the renewal dialogue.

A listener of ``AgreementChanged`` (app/domain/agreements/events.py, announced by the agreement
projection): from what changed in the agreement state and which task completions and timer firings
the engine recorded in the same save, ``announcements`` finds the notices and ``AgreementMail`` queues
them in the step's transaction. Each notice is mailed once per recipient: its key is
``agreement:<case>:<ref>:<address>``, and a key already in the outbox is not queued again. A notice
carries its text unrendered (a function of the language): each recipient gets it in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.statuses import AgreementStatus
from app.domain.agreements.events import AgreementChanged
from app.domain.agreements.payments import INTERVAL_TITLES
from app.domain.agreements.projection import best_records
from app.domain.agreements.state import PAYMENT_RANK
from app.models import Case
from app.models.notification import Notification
from app.notifications import texts
from app.notifications.outbox import Outbox
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


def send(outbox: Outbox, session: Session, case: Case, parties: list[dict[str, object]],
         notices: list[AgreementNotice], now: datetime) -> int:
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
            outbox.queue(session, kind=notice.kind, recipient=person.address, subject=subject, body=body,
                         case_id=case.id, user_id=person.user_id, key=key, now=now)
            queued += 1
    return queued


def announcements(change: AgreementChanged) -> list[AgreementNotice]:
    """The notices this save brings: from the state's changes and the engine's events of the same transaction."""
    case, before, agreement = change.step.case, change.before, change.agreement
    base, copies = change.base, change.copies
    reg, title = case.registration_number, case.title
    period = base["period"]
    version = base["version"]
    found: list[AgreementNotice] = []
    if not before.exists and agreement.status == AgreementStatus.RUNNING:
        first = base["periods"][0]
        found.append(AgreementNotice("decision", "decided:v1", partial(
            texts.agreement_decided, reg, title, first, INTERVAL_TITLES.get(first["interval"], first["interval"]))))
    payments = best_records([p for c in copies for p in c["payments"]], lambda r: PAYMENT_RANK[r["status"]]).values()
    held = sorted((p for p in payments if p["status"] == "held" and (p["version"], p["index"]) not in before.held),
                  key=lambda p: (p["version"], p["index"]))
    if held:
        found.append(AgreementNotice(
            "payment_held", "held:" + ",".join(f"v{p['version']}-p{p['index']:02d}" for p in held),
            partial(texts.payment_held, reg, title, [(str(p["due"]), int(p["amount_sek"])) for p in held])))
    follow_ups = {f["id"]: f for c in copies for f in c["follow_ups"]}
    for n in agreement.notices or []:
        if n["id"] in before.notice_ids or n["kind"] != "follow_up_reminder" or n["ref"] not in follow_ups:
            continue
        f = follow_ups[n["ref"]]
        found.append(AgreementNotice("follow_up_reminder", n["id"], partial(
            texts.follow_up_missing, reg, title, int(f["year"]), f["due"], f["gates"])))
    claims = [r for c in copies if (r := c.get("repayment"))]
    claim = max(claims, key=lambda c: c["settled_sek"]) if claims else None
    if agreement.status == AgreementStatus.TERMINATED and before.status != "terminated" and claim is not None:
        found.append(AgreementNotice("decision", f"terminated:v{version}", partial(
            texts.agreement_terminated, reg, title, dict(claim)), to=(PARTIES, "finance")))
    if claim is not None and claim["status"] == "settled" and before.claim_status == "open":
        found.append(AgreementNotice("decision", f"repaid:v{version}", partial(
            texts.repayment_settled, reg, title, int(claim["settled_sek"])), to=(PARTIES, "finance")))
    for recorded in change.recorded:
        values = (recorded.data or {}).get("values") or {}
        if recorded.kind == "timer_fired" and recorded.task_name == "wait_dialogue":
            found.append(AgreementNotice("renewal_opened", f"renewal_opened:v{version}", partial(
                texts.renewal_opened, reg, title, period["end"], period["renewal_decision_deadline"])))
        elif (recorded.kind == "task_completed" and recorded.task_name == "renewal_dialogue"
              and values.get("renewal_declined_by") in ("organisation", "municipality")):
            found.append(AgreementNotice("decision", f"renewal_declined:v{version}", partial(
                texts.renewal_declined, reg, title, str(values["renewal_declined_by"]), period["end"])))
        elif recorded.kind == "task_completed" and recorded.task_name == "renewal_decision":
            found.append(AgreementNotice("decision", f"renewal_decided:v{version}", partial(
                texts.renewal_decided, reg, title, values.get("board_renews") is True, values, period["next_start"],
                period["end"])))
    return found


class AgreementMail:
    """The listener: the notices of each agreement change, mailed through `outbox`."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def __call__(self, change: AgreementChanged) -> None:
        step = change.step
        send(self.outbox, step.session, step.case, list(change.base["parties"]), announcements(change),
             step.case.updated_at)
