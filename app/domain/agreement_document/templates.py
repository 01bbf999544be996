"""Each municipality's agreement templates, deployed and versioned like its process definitions.

A template file processes/templates/<slug>_agreement.txt is deployed for the municipality <slug> when the
database is prepared; the process owner deploys further versions from the admin pages (`deploy`). A text
deployed before is never stored twice (its hash), so redeploying the files after an owner's edit changes
nothing, just as with process definitions. The newest version is the one documents are made from.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.errors import Conflict, Forbidden
from app.domain import permissions
from app.domain.agreement_document.template_text import require_valid
from app.models import Municipality, User
from app.models.agreement_template import AgreementTemplate

SUFFIX = "_agreement.txt"


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def normalise(text: str) -> str:
    """Line ends as \\n and one final newline, so a text pasted from any editor hashes alike."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip() \
        + "\n"


def may_edit(user: User, municipality: Municipality) -> bool:
    """The municipality's process owners (and administrators over it) keep its template, as its processes."""
    return permissions.can_manage_definition(user, municipality.id)


def deploy(session: Session, clock: Clock, municipality: Municipality, text: str, actor: User | None = None,
           source: str = "") -> tuple[AgreementTemplate, bool]:
    """Store `text` as the municipality's next version unless it was deployed before; (version, created).
    Refuses an invalid template (InvalidData naming the line) and, with an actor, one who may not edit it."""
    if actor is not None and not may_edit(actor, municipality):
        raise Forbidden("only the municipality's process owners deploy its agreement template")
    text = normalise(text)
    require_valid(text)
    digest = content_hash(text)
    existing = session.scalar(select(AgreementTemplate).where(AgreementTemplate.municipality_id == municipality.id,
                                                              AgreementTemplate.content_hash == digest))
    if existing is not None:
        return existing, False
    latest = session.scalar(select(func.max(AgreementTemplate.version))
                            .where(AgreementTemplate.municipality_id == municipality.id)) or 0
    row = AgreementTemplate(municipality_id=municipality.id, version=latest + 1, content_hash=digest, text=text,
                            source=source, deployed_at=clock.now(), deployed_by_id=actor.id if actor else None)
    session.add(row)
    session.flush()
    return row, True


def deploy_directory(session: Session, clock: Clock, folder: Path) -> list[str]:
    """Deploy every <slug>_agreement.txt of `folder` whose text is new, for the municipality <slug>; files of
    municipalities the installation does not have are left out. Returns what was deployed."""
    deployed = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        slug = path.name.removesuffix(SUFFIX)
        municipality = session.scalar(select(Municipality).where(Municipality.slug == slug))
        if municipality is None:
            continue
        row, created = deploy(session, clock, municipality, path.read_text(encoding="utf-8"), source=path.name)
        if created:
            deployed.append(f"agreement template {slug} v{row.version}")
    return deployed


def versions(session: Session, municipality_id: int) -> list[AgreementTemplate]:
    """The municipality's template versions, newest first."""
    return list(session.scalars(select(AgreementTemplate).where(AgreementTemplate.municipality_id == municipality_id)
                                .order_by(AgreementTemplate.version.desc())))


def latest(session: Session, municipality_id: int) -> AgreementTemplate:
    found = session.scalars(select(AgreementTemplate).where(AgreementTemplate.municipality_id == municipality_id)
                            .order_by(AgreementTemplate.version.desc()).limit(1)).first()
    if found is None:
        raise Conflict("the municipality has no agreement template: its process owner deploys one at "
                       "/processes/agreement-templates/")
    return found
