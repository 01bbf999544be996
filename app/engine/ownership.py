"""Which municipality owns a process definition.

The owner is the same on every version of a process and decides who may change it
(app.domain.permissions.can_manage_definition). A process keeps the owner it has. A process deployed for
the first time (or one that has no owner yet) gets:

1. the deployer's municipality, when that municipality's configuration (config/municipalities/*.json,
   "processes") offers the process, or when no municipality offers it at all;
2. otherwise the one municipality whose configuration offers it (processes/ deployed by `iop db upgrade`
   or `iop deploy`, which have no deployer, get their owner this way);
3. otherwise none: several municipalities offer it and the deployer is none of them, or nobody offers
   it and nobody with a municipality deployed it. Such a process is changed by administrators only.

Migration 0008 gave the definitions stored before it an owner by the same rule.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.municipal_settings import settings_of
from app.models import DefinitionVersion, Municipality, User


def offered_by(session: Session, process_id: str) -> set[int]:
    """The ids of the municipalities whose configuration lists the process."""
    return {m.id for m in session.scalars(select(Municipality))
            if process_id in settings_of(m).processes}


def process_exists(session: Session, process_id: str) -> bool:
    return session.scalar(select(DefinitionVersion.id).where(DefinitionVersion.process_id == process_id)
                          .limit(1)) is not None


def current_owner(session: Session, process_id: str) -> int | None:
    """The owner stored with the process's newest version (None: not deployed, or no owner)."""
    return session.scalar(select(DefinitionVersion.owner_municipality_id)
                          .where(DefinitionVersion.process_id == process_id)
                          .order_by(DefinitionVersion.version.desc()).limit(1))


def owner_for_deploy(session: Session, process_id: str, actor: User | None) -> int | None:
    """The owner a new version of `process_id` deployed by `actor` (None: the command line) carries."""
    owner = current_owner(session, process_id)
    if owner is not None:
        return owner
    offering = offered_by(session, process_id)
    deployer = actor.municipality_id if actor is not None else None
    if deployer is not None and (deployer in offering or not offering) and not process_exists(session, process_id):
        return deployer
    if len(offering) == 1:
        return next(iter(offering))
    return None


def record_owner(session: Session, process_id: str, owner: int | None) -> None:
    """Give the process's versions without an owner this one (every version carries the same owner)."""
    if owner is None:
        return
    session.execute(update(DefinitionVersion)
                    .where(DefinitionVersion.process_id == process_id,
                           DefinitionVersion.owner_municipality_id.is_(None))
                    .values(owner_municipality_id=owner))
