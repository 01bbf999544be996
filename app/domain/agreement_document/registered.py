"""The agreement document as a registered document: drawn up once per agreement version.

The first time a case's agreement is produced as a document for an agreement version (by anyone who may see
it, in either format), it is registered in the case's register as an internal document drawn up by the
municipality, with the digest of what was produced; later downloads of the same version are copies of a
registered document and register nothing (the PDF's timestamps differ between renderings, the agreement does
not). A renewal makes a new agreement version, whose document is registered in its turn.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.domain import register
from app.domain.agreement_document.render import RenderedDocument, render
from app.models import Case, Direction, DocumentKind, RegisteredDocument, User

DESCRIPTION = "Överenskommelse, version {version}"  # stored text, as the register keeps what it registered


def produce(session: Session, clock: Clock, case: Case, fmt: str, actor: User | None) -> RenderedDocument:
    """The document (render's refusals apply); registered if it is the agreement version's first. The caller
    commits."""
    made = render(session, clock, case, fmt)
    description = DESCRIPTION.format(version=made.agreement_version)
    known = session.scalar(select(RegisteredDocument.id).where(
        RegisteredDocument.case_id == case.id, RegisteredDocument.kind == DocumentKind.AGREEMENT,
        RegisteredDocument.description == description).limit(1))
    if known is None:
        register.register(session, case, at=clock.now(), direction=Direction.INTERNAL, kind=DocumentKind.AGREEMENT,
                          counterpart=case.municipality.name, description=description,
                          digest=hashlib.sha256(made.content).hexdigest(), actor=actor)
    return made
