"""Registering documents in a case's register (diarium, issue 13), at once, as they are received or drawn up.

The one place that writes `document_register` rows (app/models/register.py). Its callers:
- `upload_stored`: app.domain.attachments.store_upload, for every file stored (incoming when the
  organisation uploads it, internal when staff do);
- `task_completed`: the listener of the engine's TaskCompleted (wired by app/services.py) for each user task
  whose diagram element names `registerAs` (decision, agreement, report, document): incoming when the
  organisation completed it, internal (drawn up) when staff did;
- `mail_queued`: the outbox's listener (wired by app/services.py) for every mail to the party: to an
  organisation user or to an organisation's own address; outgoing, one row per mail, organisation and
  transaction (the same mail to three of an organisation's users is one document sent to it).

Each row gets the case's next number and is sealed to the case's previous row (app.core.register_chain),
the same way app.engine.history seals the history: the case's newest row is read once per case and
transaction (on PostgreSQL after locking the case's row, so two transactions take turns) and kept in the
session for the rows that follow in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.history_chain import canonical_data
from app.core.register_chain import GENESIS, content_digest, row_hash
from app.core.roles import Role
from app.engine.events import TaskCompleted
from app.models import Attachment, Case, Direction, DocumentKind, Notification, Organisation, RegisteredDocument, User

_TAILS = "register_tails"  # session.info: (the transaction, case id -> (number, hash) of its newest row in it)
_MAILED = "register_mailed"  # session.info: (the transaction, (case, organisation, kind, subject) -> its row)
REGISTER_AS = "registerAs"


def register(session: Session, case: Case, *, at: datetime, direction: Direction, kind: DocumentKind,
             counterpart: str, description: str, digest: str, actor: User | None = None,
             attachment: Attachment | None = None, notification: Notification | None = None) -> RegisteredDocument:
    """Add the document as the case's next row, sealed to the one before it."""
    tails = _kept(session, _TAILS)
    tail = tails.get(case.id)
    if tail is None:
        tail = _stored_tail(session, case.id)
    row = RegisteredDocument(case_id=case.id, number=tail[0] + 1, registered_at=at, direction=direction, kind=kind,
                             counterpart=counterpart[:300], description=description[:500],
                             registered_by_id=actor.id if actor else None,
                             registered_by_name=(actor.display_name or actor.username) if actor else "",
                             digest=digest, attachment=attachment, notification=notification)
    row.prev_hash = tail[1]
    row.hash = seal(tail[1], row)
    tails[case.id] = (row.number, row.hash)
    session.add(row)
    return row


def seal(previous: str, row: RegisteredDocument) -> str:
    return row_hash(previous, case_id=row.case_id, number=row.number, registered_at=row.registered_at,
                    direction=row.direction, kind=row.kind, counterpart=row.counterpart,
                    description=row.description, registered_by_id=row.registered_by_id,
                    registered_by_name=row.registered_by_name, digest=row.digest)


def upload_stored(session: Session, case: Case, user: User | None, attachment: Attachment) -> RegisteredDocument:
    """A stored file: received from the organisation, or drawn up (added) by staff."""
    from_party = user is not None and user.role == Role.ORGANISATION
    return register(session, case, at=attachment.uploaded_at,
                    direction=Direction.INCOMING if from_party else Direction.INTERNAL, kind=DocumentKind.UPLOAD,
                    counterpart=_sender(session, case, user), description=attachment.filename,
                    digest=attachment.sha256, actor=user, attachment=attachment)


def task_completed(event: TaskCompleted) -> RegisteredDocument | None:
    """A completed user task whose element names `registerAs`: its form as a document."""
    kind = event.properties.get(REGISTER_AS)
    if not kind:
        return None
    step = event.step
    # the organisation's step (its lane) is received from it, also when no user completed it (the system, a
    # simulation); a step without a lane goes by who completed it
    from_party = (event.role == Role.ORGANISATION if event.role is not None
                  else step.actor is not None and step.actor.role == Role.ORGANISATION)
    counterpart = _sender(step.session, step.case, step.actor) if step.actor is not None or not from_party \
        else step.case.organisation.name
    return register(step.session, step.case, at=step.clock.now(),
                    direction=Direction.INCOMING if from_party else Direction.INTERNAL, kind=DocumentKind(kind),
                    counterpart=counterpart, description=event.title,
                    digest=content_digest(event.task_name, canonical_data(event.values)), actor=step.actor)


def mail_queued(session: Session, mail: Notification) -> RegisteredDocument | None:
    """A mail written to the outbox: registered when it goes to the party (an organisation)."""
    if mail.case_id is None:
        return None
    with session.no_autoflush:
        organisation = _receiving_organisation(session, mail)
        if organisation is None:
            return None
        case = session.get(Case, mail.case_id)
    if case is None:
        return None
    mailed = _kept(session, _MAILED)  # the same mail to this organisation in this transaction: registered once
    key = (case.id, organisation.id, mail.kind, mail.subject)
    if key in mailed:
        return None
    row = register(session, case, at=mail.created_at, direction=Direction.OUTGOING, kind=DocumentKind.MAIL,
                   counterpart=organisation.name, description=mail.subject, digest=mail_digest(mail),
                   notification=mail)
    mailed[key] = (row.number, row.hash or "")
    return row


def mail_digest(mail: Notification) -> str:
    """The mail as sent: its recipient, subject and body (of the first recipient of an organisation's)."""
    return content_digest(mail.recipient, mail.subject, mail.body)


def documents(session: Session, case_id: int) -> list[tuple[RegisteredDocument, Attachment | None]]:
    """The case's register in number order, each row with its stored file (its content not loaded) or None."""
    rows = session.execute(select(RegisteredDocument, Attachment)
                           .outerjoin(Attachment, Attachment.id == RegisteredDocument.attachment_id)
                           .where(RegisteredDocument.case_id == case_id).order_by(RegisteredDocument.number))
    return [(row, attachment) for row, attachment in rows]


def _receiving_organisation(session: Session, mail: Notification) -> Organisation | None:
    if mail.user_id is not None:
        user = session.get(User, mail.user_id)
        if user is None or user.role != Role.ORGANISATION or user.organisation_id is None:
            return None
        return session.get(Organisation, user.organisation_id)
    address = mail.recipient.strip().lower()
    return session.scalar(select(Organisation).where(func.lower(Organisation.email) == address)
                          .order_by(Organisation.id).limit(1))


def _sender(session: Session, case: Case, user: User | None) -> str:
    """Who a document came from: the organisation for its users, else the staff member (or the municipality)."""
    if user is not None and user.role == Role.ORGANISATION:
        organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
        return (organisation or case.organisation).name
    if user is not None:
        return user.display_name or user.username
    return case.municipality.name


def _kept(session: Session, name: str) -> dict[Any, tuple[int, str]]:
    """What this session's current transaction has registered (a new transaction reads the tails again)."""
    session.connection()
    transaction = session.get_transaction()
    kept = session.info.get(name)
    if kept is None or kept[0] is not transaction:
        kept = session.info[name] = (transaction, {})
    found: dict[Any, tuple[int, str]] = kept[1]
    return found


def _stored_tail(session: Session, case_id: int) -> tuple[int, str]:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
    with session.no_autoflush:
        found = session.execute(select(RegisteredDocument.number, RegisteredDocument.hash)
                                .where(RegisteredDocument.case_id == case_id)
                                .order_by(RegisteredDocument.number.desc()).limit(1)).first()
    return (found[0], found[1] or GENESIS) if found else (0, GENESIS)
