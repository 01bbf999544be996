"""Who may change a process definition: the refusals, worded with the owning municipality's name.

The rule is app.domain.permissions.can_manage_definition; the owner comes from app.engine.ownership.
Pages and the API deploy through `authorizer` and check existing processes with `check_process`; the
command line (`iop deploy`, `iop migrate`) is an operator's tool and checks nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.core.errors import Forbidden
from app.domain import permissions
from app.engine import ownership
from app.models import Municipality, User

ROLE_REFUSAL = "only process owners and administrators can validate, deploy or change process definitions"


class NotOwner(Forbidden):
    """The process belongs to another municipality (`owner`: its name; "" for none)."""

    def __init__(self, process_id: str, owner: str) -> None:
        if owner:
            text = f"{process_id} belongs to {owner}: only its process owners and administrators can change it"
        else:
            text = f"{process_id} belongs to no municipality: only administrators can change it"
        super().__init__(text)
        self.process_id, self.owner = process_id, owner


def check(session: Session, user: User, process_id: str, owner_id: int | None) -> None:
    if not permissions.can_deploy(user):
        raise Forbidden(ROLE_REFUSAL)
    if not permissions.can_manage_definition(user, owner_id):
        owner = session.get(Municipality, owner_id) if owner_id is not None else None
        raise NotOwner(process_id, owner.name if owner is not None else "")


def check_process(session: Session, user: User, process_id: str) -> None:
    """For a deployed process: may `user` deploy a new version, edit it or move its cases?"""
    check(session, user, process_id, ownership.current_owner(session, process_id))


def may_manage(session: Session, user: User, process_id: str) -> bool:
    try:
        check_process(session, user, process_id)
    except Forbidden:
        return False
    return True


def authorizer(session: Session, user: User) -> Callable[[str, int | None], None]:
    """The check CaseEngine.deploy runs once it knows the bundle's process and owner."""
    return lambda process_id, owner_id: check(session, user, process_id, owner_id)
