"""The outbox: mail is written in the transaction of the change that causes it, sent after commit.

``Outbox.queue`` adds a Notification row to the caller's session and, once that session commits,
delivers the new rows (a rolled-back change sends nothing). Whatever could not be sent (SMTP down)
keeps its error and is retried by every timer sweep (``deliver``). A row is claimed before sending
(``claimed_at``, a lease) so that two schedulers do not send the same mail twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import Engine, event, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.core.clock import Clock
from app.models.notification import Notification
from app.notifications.transport import Transport, transport_from_url

log = logging.getLogger(__name__)
_QUEUED = "iop_outbox_queued"
_LISTENING = "iop_outbox_listening"
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 50


class Outbox:
    def __init__(self, clock: Clock, smtp_url: Callable[[], str | None] = lambda: None,
                 transport: Transport | None = None) -> None:
        self.clock = clock
        self.smtp_url = smtp_url
        self.transport = transport  # fixed transport (tests); otherwise built from smtp_url() per delivery
        self.deliver_after_commit = True
        self._queued_listeners: list[Callable[[Session, Notification], object]] = []

    def listen(self, listener: Callable[[Session, Notification], object]) -> None:
        """Call `listener` with the session and each row queued (the composition root registers the document
        register's, app/services.py)."""
        self._queued_listeners.append(listener)

    def queue(self, session: Session, *, kind: str, recipient: str, subject: str, body: str,
              case_id: int | None = None, user_id: int | None = None, key: str | None = None,
              now: datetime | None = None) -> Notification:
        """Add the mail to `session`; it goes out once the session commits. `now` (default: this outbox's
        clock) is when it was written: the step's clock, which a simulation drives on its own."""
        row = Notification(kind=kind, recipient=recipient, subject=subject, body=body, case_id=case_id,
                           user_id=user_id, key=key, created_at=now or self.clock.now(), attempts=0)
        session.add(row)
        if not session.info.get(_LISTENING):
            event.listen(session, "after_commit", self._after_commit)
            event.listen(session, "after_soft_rollback", self._after_rollback)
            session.info[_LISTENING] = True
        session.info.setdefault(_QUEUED, []).append(row)
        for listener in self._queued_listeners:
            listener(session, row)
        return row

    def _after_rollback(self, session: Session, _previous: object) -> None:
        session.info.pop(_QUEUED, None)

    def _after_commit(self, session: Session) -> None:
        rows = session.info.pop(_QUEUED, [])
        ids = [row.__dict__.get("id") for row in rows]
        wanted = [i for i in ids if isinstance(i, int)]
        if not wanted or not self.deliver_after_commit:
            return
        bind = session.get_bind()
        try:
            self.deliver(sessionmaker(bind=bind, expire_on_commit=False), wanted)
        except Exception:  # noqa: BLE001 - the change is committed; the sweep retries the mail
            log.exception("delivering mail after commit failed; the sweep will retry")

    def _transport(self) -> Transport:
        return self.transport or transport_from_url(self.smtp_url())

    def deliver(self, session_factory: sessionmaker[Session] | Engine, ids: Iterable[int] | None = None,
                limit: int = 200) -> int:
        """Send unsent mail (only `ids` if given); returns how many went out."""
        factory = session_factory if isinstance(session_factory, sessionmaker) else \
            sessionmaker(bind=session_factory, expire_on_commit=False)
        now = self.clock.now()
        open_lease = or_(Notification.claimed_at.is_(None), Notification.claimed_at < now - LEASE)
        query = select(Notification.id).where(Notification.sent_at.is_(None), Notification.attempts < MAX_ATTEMPTS,
                                              open_lease).order_by(Notification.id).limit(limit)
        if ids is not None:
            query = query.where(Notification.id.in_(list(ids)))
        with factory() as session:
            candidates = list(session.scalars(query))
        if not candidates:
            return 0
        transport = self._transport()
        sent = 0
        for nid in candidates:
            with factory() as session, session.begin():
                claimed = session.execute(
                    update(Notification).where(Notification.id == nid, Notification.sent_at.is_(None), open_lease)
                    .values(claimed_at=now, attempts=Notification.attempts + 1)
                    .execution_options(synchronize_session=False))
                row = session.get(Notification, nid) if claimed.rowcount else None  # type: ignore[attr-defined]
                mail = (row.recipient, row.subject, row.body) if row is not None else None
            if mail is None:
                continue
            error: str | None = None
            try:
                transport.send(*mail)
            except Exception as exc:  # noqa: BLE001 - kept on the row; retried by the next sweep
                error = f"{type(exc).__name__}: {exc}"
                log.warning("mail %s to %s not sent: %s", nid, mail[0], error)
            with factory() as session, session.begin():
                session.execute(update(Notification).where(Notification.id == nid).values(
                    sent_at=None if error else self.clock.now(), error=error, claimed_at=None))
            sent += error is None
        return sent
