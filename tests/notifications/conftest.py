"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and Stenungsund's staff to mail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from app.domain.accounts import add_user
from app.services import Services
from tests.conftest import PASSWORD

ORG = "a@example.org"  # the organisation's own address (tests/conftest.py)
ORG_USER = "org_a@example.org"
OFFICER, BOARD, FINANCE = "sofia@stenungsund.example", "goran@stenungsund.example", "frida@stenungsund.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """The envelopes the server accepted."""

    items: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=default)
        self.items.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[str]:
        return [str(r.message["Subject"]) for r in self.items if address in r.recipients]


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?from=iop@falun.example"

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def staff(services: Services, people: Any, smtp: SmtpServer, password_hash: str) -> SmtpServer:
    """Stenungsund's officer, board secretary and finance officer with addresses; mail goes to `smtp`."""
    services.settings.smtp_url = smtp.url
    with services.unit_of_work() as s:
        for name, role, email in [("sofia", "officer", OFFICER), ("goran", "board", BOARD),
                                  ("frida", "finance", FINANCE)]:
            add_user(s, services.clock, name, PASSWORD, role, municipality="stenungsund", email=email,
                     password_hash=password_hash)
    return smtp
