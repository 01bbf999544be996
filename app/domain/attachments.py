"""Uploaded files: size- and type-checked by content, stored with the case and registered in its register."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.errors import InvalidData
from app.domain import register
from app.models import Attachment, Case, User

MAX_BYTES = 10 * 1024 * 1024

# extension -> (content type, magic prefixes that the content must start with; empty = text)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "txt": ("text/plain", ()),
    "csv": ("text/csv", ()),
}


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(". ")
    return cleaned[:200] or "fil"


def check_upload(upload: Upload, field: str = "file") -> tuple[str, str]:
    """Return (safe filename, content type) or raise InvalidData naming what is wrong."""
    name = _safe_name(upload.filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise InvalidData(f"{name}: files of this type cannot be uploaded",
                          {field: f"{name}: allowed types are {', '.join(sorted(ALLOWED))}"})
    if len(upload.content) == 0:
        raise InvalidData(f"{name} is empty", {field: f"{name} is empty"})
    if len(upload.content) > MAX_BYTES:
        raise InvalidData(f"{name} is larger than 10 MB", {field: f"{name} is larger than 10 MB"})
    content_type, magics = ALLOWED[ext]
    if magics and not any(upload.content.startswith(m) for m in magics):
        raise InvalidData(f"{name} is not really a .{ext} file", {field: f"{name} is not really a .{ext} file"})
    if not magics:
        try:
            upload.content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidData(f"{name} is not a text file", {field: f"{name} is not a UTF-8 text file"}) from exc
    return name, content_type


def store_upload(session: Session, clock: Clock, case: Case, user: User | None, field: str,
                 upload: Upload) -> Attachment:
    name, content_type = check_upload(upload, field)
    row = Attachment(case_id=case.id, field=field[:120], filename=name, content_type=content_type,
                     size=len(upload.content), sha256=hashlib.sha256(upload.content).hexdigest(),
                     content=upload.content, uploaded_by_id=user.id if user else None,
                     uploaded_at=clock.now())
    session.add(row)
    session.flush()
    register.upload_stored(session, case, user, row)
    return row


def reference(row: Attachment) -> dict[str, object]:
    """What a form field stores for an attachment."""
    return {"id": row.id, "filename": row.filename, "size": row.size}
