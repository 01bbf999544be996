"""The document register of a case (diarium, issue 13): one row per document received or drawn up.

Each case numbers its documents 1, 2, 3, ... in the order they are registered; a document is shown as
`<the case's registration number>-<number>` (e.g. `FAL 2026/0012-3`), unique within the municipality since
the case's registration number is. A row says when it was registered (`registered_at`, the clock's time),
which way the document went (`direction`), who sent or received it (`counterpart`, a name as written at
registration), what it is (`kind`, a code worded at the edges; `description`, stored text: the diagram's task
name, the file's name or the mail's subject, kept as registered), optionally which stored file or outbox mail
it is, and who registered it (`registered_by_id`; none for what the application registers on its own, e.g.
mail). `digest` is SHA-256 over the document's content (the file's bytes; the mail's recipient, subject and
body; a decision's or report's form values as canonical JSON), so the seal covers what the document said.

Rows are append-only like the history (triggers of migration 0034 refuse UPDATE and DELETE, and TRUNCATE on
PostgreSQL) and sealed per case: `hash` is SHA-256 over `prev_hash` and the row's content
(app.core.register_chain), written by app.domain.register and checked by `iop records verify`. The links
(`attachment_id`, `notification_id`) are not in the hash (a mail has no id before the flush that writes both);
the digest is, and `iop records verify` checks a linked file's digest against it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.files import Attachment
from app.models.notification import Notification
from app.models.types import StrEnumColumn, UTCDateTime


class Direction(StrEnum):
    INCOMING = "incoming"  # received from the party or someone outside the municipality
    OUTGOING = "outgoing"  # sent to the party
    INTERNAL = "internal"  # drawn up within the municipality (upprättad)


class DocumentKind(StrEnum):
    """What a document is. `registerAs` on a diagram's user task names one of these (app.engine.validation)."""

    UPLOAD = "upload"  # a file uploaded to the case
    DECISION = "decision"  # a decision task's completed form
    AGREEMENT = "agreement"  # the agreement (or a draft of it)
    REPORT = "report"  # a report or plan the organisation submits (yearly report, economic plan, initiative)
    MAIL = "mail"  # mail sent to the party
    DOCUMENT = "document"  # any other document a task produces


class RegisteredDocument(Base):
    __tablename__ = "document_register"
    __table_args__ = (UniqueConstraint("case_id", "number", name="uq_document_register_case_number"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per case
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    direction: Mapped[Direction] = mapped_column(StrEnumColumn(Direction))
    kind: Mapped[DocumentKind] = mapped_column(StrEnumColumn(DocumentKind))
    counterpart: Mapped[str] = mapped_column(String(300), default="")  # sender (incoming) or recipient (outgoing)
    description: Mapped[str] = mapped_column(String(500), default="")
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_by_name: Mapped[str] = mapped_column(String(200), default="")
    digest: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # the case's previous row's hash ("" for the first)
    hash: Mapped[str | None] = mapped_column(String(64))

    attachment: Mapped[Attachment | None] = relationship(lazy="select")
    notification: Mapped[Notification | None] = relationship(lazy="select")

    def reference(self, registration_number: str) -> str:
        """How the document is cited: `FAL 2026/0012-3`."""
        return f"{registration_number}-{self.number}"
