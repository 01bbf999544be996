"""The mail that tells a municipality's process owners that the IOP guidelines are due for review."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.roles import Role
from app.i18n import translate
from app.i18n.formats import short_date
from app.models import Membership, Municipality, User
from app.models.guidelines import GuidelineReview
from app.notifications.outbox import Outbox
from app.notifications.recipients import Recipient, unique
from app.notifications.texts import Language, footer, language


def text(municipality: str, election_year: int, due_on: str, lang: Language = "sv") -> tuple[str, str]:
    values = {"municipality": municipality, "term": f"{election_year}–{election_year + 4}", "date": due_on}
    return (translate("mail.guidelines_review.subject", lang, **values),
            translate("mail.guidelines_review.body", lang, **values) + footer(lang))


def tell_process_owners(outbox: Outbox, session: Session, review: GuidelineReview) -> int:
    """Mail every active process owner of the review's municipality who has an address (once per review)."""
    municipality = session.get(Municipality, review.municipality_id)
    assert municipality is not None
    people = unique([Recipient(email or "", uid, language(lang)) for email, uid, lang in session.execute(
        select(User.email, User.id, User.language).where(
            User.active.is_(True), User.email.is_not(None),
            User.id.in_(select(Membership.user_id).where(Membership.role == Role.PROCESS_OWNER,
                                                         Membership.municipality_id == review.municipality_id)))
        .order_by(User.id))])
    for person in people:
        subject, body = text(municipality.name, review.election_year, short_date(review.due_on, person.language),
                             person.language)
        outbox.queue(session, kind="guidelines_review", recipient=person.address, subject=subject, body=body,
                     user_id=person.user_id, key=f"guidelines:{review.id}:{person.address.lower()}",
                     now=review.opened_at)
    return len(people)
