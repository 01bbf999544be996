"""What goes into one case's archive package, read from the database: the case, its documents, its sealed
history. Pure data (`CaseContents`); `erms` words it as metadata and `package` writes it to disk."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.history_chain import canonical_data
from app.domain.archive.retention import Retention, closed_at, retention_of
from app.models import Attachment, Case, CaseEvent, DefinitionVersion, RegisteredDocument, User


@dataclass(frozen=True)
class Document:
    """One document of the case, with its file name inside the package's documents/ folder."""

    number: int
    field: str
    filename: str
    path: str  # inside the package
    content_type: str
    size: int
    sha256: str
    received_at: datetime
    content: bytes
    uploaded_by: str  # who uploaded it (display name or username), "" when not recorded
    drawn_up: bool  # uploaded by the municipality's staff (upprättad), not received from the party


@dataclass(frozen=True)
class Entry:
    """One history entry as sealed (app.core.history_chain): every field its hash covers, and the hash."""

    number: int
    event_id: int
    at: datetime  # UTC
    actor_id: int | None
    actor_name: str
    kind: str
    task_name: str | None
    title: str
    data: Any
    prev_hash: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        """The entry for history.json: `at` in the form the seal hashes (UTC, ISO 8601 with microseconds) and
        `data` as stored, so that app.core.history_chain.entry_hash recomputes `hash` from these fields."""
        return {"number": self.number, "event_id": self.event_id,
                "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"), "actor_id": self.actor_id,
                "actor_name": self.actor_name, "kind": self.kind, "task_name": self.task_name,
                "title": self.title, "data": self.data, "canonical_data": canonical_data(self.data),
                "prev_hash": self.prev_hash, "hash": self.hash}


@dataclass(frozen=True)
class CaseContents:
    case_id: int
    registration_number: str
    title: str
    status: str
    outcome: str | None
    municipality_slug: str
    municipality_name: str
    organisation_name: str
    organisation_number: str
    organisation_email: str | None
    process_id: str
    process_name: str
    process_version: int
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    retention: Retention
    documents: list[Document]
    history: list[Entry]
    register: list[dict[str, Any]]

    @property
    def history_head(self) -> str:
        return self.history[-1].hash if self.history else ""


def read_contents(session: Session, case: Case) -> CaseContents:
    definition = session.get(DefinitionVersion, case.definition_id)
    assert definition is not None
    return CaseContents(
        case.id, case.registration_number, case.title or case.registration_number, str(case.status), case.outcome,
        case.municipality.slug, case.municipality.name, case.organisation.name, case.organisation.org_number,
        case.organisation.email, definition.process_id, definition.name, definition.version, case.created_at,
        case.updated_at, closed_at(session, case), retention_of(session, case), _documents(session, case.id),
        _history(session, case.id), _register(session, case))


def _register(session: Session, case: Case) -> list[dict[str, Any]]:
    """The case's document register (diarium), every row with its seal, as register/register.json carries it:
    the documents themselves are the attachments (documents/), the forms in the history and the mail sent."""
    rows = session.scalars(select(RegisteredDocument).where(RegisteredDocument.case_id == case.id)
                           .order_by(RegisteredDocument.number))
    return [{"reference": row.reference(case.registration_number), "number": row.number,
             "registered_at": row.registered_at.astimezone(UTC).isoformat(timespec="microseconds"),
             "direction": str(row.direction), "kind": str(row.kind), "counterpart": row.counterpart,
             "description": row.description, "registered_by": row.registered_by_name, "digest": row.digest,
             "attachment_id": row.attachment_id, "prev_hash": row.prev_hash or "", "hash": row.hash or ""}
            for row in rows]


def _documents(session: Session, case_id: int) -> list[Document]:
    found = []
    rows = session.scalars(select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id))
    for number, row in enumerate(rows, start=1):
        uploader = session.get(User, row.uploaded_by_id) if row.uploaded_by_id is not None else None
        staff = uploader is not None and uploader.organisation_id is None
        found.append(Document(number, row.field, row.filename, f"documents/{number:03d}-{_safe(row.filename)}",
                              row.content_type, row.size, row.sha256, row.uploaded_at, row.content,
                              (uploader.display_name or uploader.username) if uploader else "", staff))
    return found


def _history(session: Session, case_id: int) -> list[Entry]:
    rows = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))
    return [Entry(number, row.id, row.at, row.actor_id, row.actor_name or "", row.kind, row.task_name,
                  row.title or "", row.data if row.data is not None else {}, row.prev_hash or "", row.hash or "")
            for number, row in enumerate(rows, start=1)]


def _safe(filename: str) -> str:
    """A file name safe on every file system: letters, digits, dot, dash and underscore; no leading dot."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "dokument"
    return cleaned[:120]
