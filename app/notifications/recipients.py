"""Who is told: the people holding a role where a case lives, and the organisation behind it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.orgnumber import InvalidOrgNumber, normalise_org_number
from app.models import Case, Organisation, User


@dataclass(frozen=True)
class Recipient:
    address: str
    user_id: int | None = None


def unique(found: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    result = []
    for item in found:
        key = item.address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(item)
    return result


def role_holders(session: Session, case: Case, role: str) -> list[Recipient]:
    """Active users with an e-mail address who hold `role` for this case (its municipality or organisation)."""
    query = select(User).where(User.role == role, User.active.is_(True), User.email.is_not(None))
    if role == "organisation":
        query = query.where(User.organisation_id == case.organisation_id)
    else:
        query = query.where(User.municipality_id == case.municipality_id)
    return unique([Recipient(u.email or "", u.id) for u in session.scalars(query.order_by(User.id))])


def user_recipient(session: Session, user_id: int | None) -> list[Recipient]:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active or not user.email:
        return []
    return [Recipient(user.email, user.id)]


def organisation_recipients(session: Session, case: Case) -> list[Recipient]:
    """The organisation's own address and its users' addresses."""
    found = role_holders(session, case, "organisation")
    org = session.get(Organisation, case.organisation_id)
    if org is not None and org.email:
        found.insert(0, Recipient(org.email, None))
    return unique(found)


def roles_from_property(value: str | None, default: tuple[str, ...] = ("officer",)) -> list[str]:
    """`notify="officer, board"` into ['officer', 'board']."""
    if not value:
        return list(default)
    return [part.strip().lower() for part in value.replace(";", ",").split(",") if part.strip()]


def party_recipients(session: Session, case: Case, parties: list[dict[str, object]] | None) -> list[Recipient]:
    """The organisation behind the case and every other party of its agreement that is registered here
    (its own address and its users' addresses): decisions concern all parties."""
    found = organisation_recipients(session, case)
    numbers = set()
    for party in parties or []:
        try:
            numbers.add(normalise_org_number(str(party.get("org_number") or "")))
        except InvalidOrgNumber:
            continue
    if numbers:
        others = session.scalars(select(Organisation).where(Organisation.org_number.in_(numbers),
                                                            Organisation.id != case.organisation_id)
                                 .order_by(Organisation.id))
        for org in others:
            if org.email:
                found.append(Recipient(org.email, None))
            users = select(User).where(User.role == "organisation", User.active.is_(True), User.email.is_not(None),
                                       User.organisation_id == org.id).order_by(User.id)
            found.extend(Recipient(u.email or "", u.id) for u in session.scalars(users))
    return unique(found)
