"""One agreement document: `render(session, clock, case, format)` fills the case's municipality's newest
template with the case's values and writes it as DOCX or PDF/A-2b. The API, the agreement page and (later)
the document register call this and nothing below it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.errors import Conflict, InvalidData
from app.domain.agreement_document import docx_writer, pdf_writer, templates
from app.domain.agreement_document.data import values_for
from app.domain.agreement_document.template_text import Block, Values, fill
from app.models import Case
from app.models.agreement import Agreement

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class RenderedDocument:
    content: bytes
    filename: str  # "Overenskommelse-KS-2026-0001-v1.pdf"
    media_type: str
    template_version: int  # the municipality's template version it was made from
    agreement_version: int  # the agreement period it describes


def blocks_for(text: str, values: Values) -> list[Block]:
    return fill(text, values)


def write(blocks: list[Block], fmt: str, title: str, author: str, clock: Clock) -> bytes:
    if fmt == "docx":
        return docx_writer.write(blocks, title, author, clock.now())
    return pdf_writer.write(blocks, title, author, clock.now())


def filename_for(registration_number: str, agreement_version: int, fmt: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9]+", "-", registration_number).strip("-") or "arende"
    return f"Overenskommelse-{safe}-v{agreement_version}.{fmt}"


def render(session: Session, clock: Clock, case: Case, fmt: str) -> RenderedDocument:
    """The case's agreement as a document in `fmt` ("docx" or "pdf"). InvalidData for another format;
    Conflict while the case has no agreement yet (it is made at the board's decision)."""
    if fmt not in FORMATS:
        raise InvalidData(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}", {"format": "unknown"})
    agreement = session.scalar(select(Agreement).where(Agreement.case_id == case.id))
    if agreement is None or not agreement.periods:
        raise Conflict("the case has no agreement yet: it is made when the board decides to enter it")
    template = templates.latest(session, case.municipality_id)
    values = values_for(session, clock, case, agreement)
    blocks = blocks_for(template.text, values)
    title = next((b.text for b in blocks if b.kind == "title"), "Överenskommelse")
    title = f"{title}, {case.registration_number}"
    content = write(blocks, fmt, title, case.municipality.name, clock)
    return RenderedDocument(content=content, filename=filename_for(case.registration_number,
                                                                   agreement.current_version, fmt),
                            media_type=FORMATS[fmt], template_version=template.version,
                            agreement_version=agreement.current_version)
