"""Who is told: the people holding a role where a case lives, and the organisation behind it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.core.roles import Role
from app.domain.orgnumber import InvalidOrgNumber, normalise_org_number
from app.models import Case, Membership, Organisation, User
from app.notifications.texts import Language, language


@dataclass(frozen=True)
class Recipient:
    address: str
    user_id: int | None = None
    language: Language = "sv"  # the user's preferred language; an address that is no user's gets Swedish


def unique(found: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    result = []
    for item in found:
        key = item.address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(item)
    return result


_HOLDERS = "iop_role_holders"


def role_holders(session: Session, case: Case, role: str) -> list[Recipient]:
    """Active users with an e-mail address who hold `role` for this case (its municipality or organisation).

    Asked once per transaction for each role and place: a timer sweep opens the same kind of task
    in many cases of one municipality."""
    scope = case.organisation_id if role == Role.ORGANISATION else case.municipality_id
    cache = session.info.get(_HOLDERS)
    if cache is None:
        cache = session.info[_HOLDERS] = {}
        if not event.contains(session, "after_commit", _forget):
            event.listen(session, "after_commit", _forget)
            event.listen(session, "after_soft_rollback", _forget_after_rollback)
    key = (role, scope)
    if key not in cache:
        query = select(User.email, User.id, User.language).where(User.role == role, User.active.is_(True),
                                                                 User.email.is_not(None))
        if role == Role.ORGANISATION:
            query = query.where(User.organisation_id == scope)
        else:  # every holder of the role there: their own municipality or another of their memberships
            query = query.where(User.id.in_(select(Membership.user_id).where(Membership.role == role,
                                                                             Membership.municipality_id == scope)))
        cache[key] = unique([Recipient(email or "", uid, language(lang))
                             for email, uid, lang in session.execute(query.order_by(User.id))])
    return list(cache[key])


def _forget(session: Session) -> None:
    session.info.pop(_HOLDERS, None)


def _forget_after_rollback(session: Session, _previous: object) -> None:
    session.info.pop(_HOLDERS, None)


def user_recipient(session: Session, user_id: int | None) -> list[Recipient]:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active or not user.email:
        return []
    return [Recipient(user.email, user.id, language(user.language))]


def organisation_recipients(session: Session, case: Case) -> list[Recipient]:
    """The organisation's own address and its users' addresses."""
    found = role_holders(session, case, Role.ORGANISATION)
    org = session.get(Organisation, case.organisation_id)
    if org is not None and org.email:
        found.insert(0, Recipient(org.email, None))
    return unique(found)


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
            users = select(User).where(User.role == Role.ORGANISATION, User.active.is_(True), User.email.is_not(None),
                                       User.organisation_id == org.id).order_by(User.id)
            found.extend(Recipient(u.email or "", u.id, language(u.language)) for u in session.scalars(users))
    return unique(found)
