"""Sending one e-mail: SMTP from IOP_SMTP_URL, or only logging it when no server is configured.

URL forms: ``smtp://host:25``, ``smtp://user:password@host:587?starttls=1``, ``smtps://host:465``;
``?from=iop@kommun.se`` sets the sender, ``?timeout=10`` the socket timeout in seconds.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)
DEFAULT_SENDER = "iop-noreply@localhost"


class Transport(Protocol):
    def send(self, recipient: str, subject: str, body: str) -> None: ...


def build_message(sender: str, recipient: str, subject: str, body: str) -> Message:
    """A UTF-8 text mail. The subject is encoded with email.header.Header: Python 3.11's newer folding
    drops the space between two encoded words when it folds a long Swedish subject
    ("godkänd uppföljning" arrived as "godkänduppföljning"); Header keeps every space inside its words."""
    message = MIMEText(body, "plain", "utf-8")  # Swedish letters survive
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "localhost")
    return message


class LogTransport:
    """No SMTP server configured: the mail is logged (and stays recorded in the outbox)."""

    def send(self, recipient: str, subject: str, body: str) -> None:
        log.info("mail (not sent, IOP_SMTP_URL unset) to %s: %s", recipient, subject)


@dataclass
class SmtpTransport:
    host: str
    port: int
    ssl: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = DEFAULT_SENDER
    timeout: float = 10.0

    def send(self, recipient: str, subject: str, body: str) -> None:
        message = build_message(self.sender, recipient, subject, body)
        client_class = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        with client_class(self.host, self.port, timeout=self.timeout) as client:
            if self.starttls:
                client.starttls()
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


def transport_from_url(url: str | None) -> Transport:
    if not url:
        return LogTransport()
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("IOP_SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("IOP_SMTP_URL names no host")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps"
    return SmtpTransport(
        host=parts.hostname,
        port=parts.port or (465 if ssl else 25),
        ssl=ssl,
        starttls=query.get("starttls", "").lower() in ("1", "true", "yes"),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=query.get("from", DEFAULT_SENDER),
        timeout=float(query.get("timeout", "10")),
    )
