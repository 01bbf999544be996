"""The review of a municipality's IOP guidelines once per electoral term: when it is due, opening it, completing it.

Sweden's ordinary general elections are held every fourth year in September (2018, 2022, 2026, 2030, ...; an
extra election does not move them). The guidelines are reviewed in the year after each election: on the
municipality's `guidelines_review_on` day (MM-DD, default 03-01) of that year the process owners get the task
(a `GuidelineReview` row, unique per municipality and term, so several schedulers open it once) and a mail. The
task stays open until a process owner records the outcome (unchanged or revised) and the decision; a term
whose review day passed before the installation existed is not opened once the next election has been held.
`open_due_reviews` is called by the timer sweep (app/jobs/timer_sweep.py) with the rest of the mail work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.core.clock import Clock
from app.core.errors import Conflict, InvalidData, NotFound
from app.core.municipal_settings import review_month_day, settings_of
from app.models import Municipality, User
from app.models.guidelines import GuidelineReview

log = logging.getLogger(__name__)

# what tells the process owners that a review was opened, in its transaction (app/notifications/guidelines.py)
TellOwners = Callable[[Session, GuidelineReview], object]

REFERENCE_ELECTION = 2022  # an ordinary general election; they follow every fourth year
ELECTION_MONTH = 9
OUTCOMES = ("unchanged", "revised")
MAX_REFERENCE = 200
MAX_NOTE = 4000


@dataclass(frozen=True)
class Term:
    election_year: int
    review_on: date  # the day the review is due: in the year after the election


def is_election_year(year: int) -> bool:
    return (year - REFERENCE_ELECTION) % 4 == 0


def current_term(today: date, review_on: str) -> Term | None:
    """The term whose review is due by `today` and still relevant: its review day has come and the next
    election has not been held yet (None before the review day of the current term)."""
    month, day = review_month_day(review_on)
    election = today.year - (today.year - REFERENCE_ELECTION) % 4  # the latest election year up to today's
    if today < date(election, ELECTION_MONTH, 1):  # this year's election is yet to come
        election -= 4
    review = date(election + 1, month, day)
    return Term(election, review) if today >= review else None


def next_review_day(today: date, review_on: str) -> date:
    """The review day of the next term whose review day has not come yet."""
    month, day = review_month_day(review_on)
    year = today.year
    while not (is_election_year(year - 1) and date(year, month, day) > today):
        year += 1
    return date(year, month, day)


def open_due_reviews(session_factory: sessionmaker[Session], clock: Clock,
                     tell: TellOwners | None = None) -> list[int]:
    """Open each municipality's review that has become due; returns the ids of the reviews opened.

    Each in its own transaction; a review another scheduler opened first (the unique key) is skipped. `tell`
    queues the mail to the municipality's process owners in the same transaction."""
    today = clock.today()
    opened: list[int] = []
    with session_factory() as session:
        due = [(m.id, term) for m in session.scalars(select(Municipality))
               if (term := current_term(today, settings_of(m).guidelines_review_on)) is not None]
        existing = {(row[0], row[1]) for row in session.execute(
            select(GuidelineReview.municipality_id, GuidelineReview.election_year))}
    for municipality_id, term in due:
        if (municipality_id, term.election_year) in existing:
            continue
        with session_factory() as session:
            review = GuidelineReview(municipality_id=municipality_id, election_year=term.election_year,
                                     due_on=term.review_on, opened_at=clock.now(), decision_reference="", note="",
                                     completed_by_name="")
            session.add(review)
            try:
                session.flush()
                if tell is not None:
                    tell(session, review)
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            opened.append(review.id)
            log.info("guidelines review opened for municipality %s, term %s", municipality_id, term.election_year)
    return opened


def reviews_of(session: Session, municipality_id: int) -> list[GuidelineReview]:
    """The municipality's reviews, the newest term first."""
    return list(session.scalars(select(GuidelineReview).where(GuidelineReview.municipality_id == municipality_id)
                                .order_by(GuidelineReview.election_year.desc())))


def open_review(session: Session, municipality_id: int) -> GuidelineReview | None:
    return session.scalar(select(GuidelineReview).where(GuidelineReview.municipality_id == municipality_id,
                                                        GuidelineReview.completed_at.is_(None))
                          .order_by(GuidelineReview.election_year.desc()).limit(1))


def complete(session: Session, clock: Clock, user: User, municipality_id: int, review_id: int, outcome: str,
             decision_reference: str, note: str) -> GuidelineReview:
    """Record the review's outcome. InvalidData names each field at fault; a review of another municipality is
    not found; one already completed is a Conflict."""
    problems: dict[str, str] = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = "unchanged or revised"
    reference, note = decision_reference.strip(), note.strip()
    if not reference or len(reference) > MAX_REFERENCE:
        problems["decision_reference"] = f"required, at most {MAX_REFERENCE} characters"
    if len(note) > MAX_NOTE:
        problems["note"] = f"at most {MAX_NOTE} characters"
    review = session.get(GuidelineReview, review_id, with_for_update=True)
    if review is None or review.municipality_id != municipality_id:
        raise NotFound("no such review")
    if problems:
        raise InvalidData(", ".join(sorted(problems)), problems)
    if review.completed_at is not None:
        raise Conflict("the review has already been recorded")
    review.outcome, review.decision_reference, review.note = outcome, reference, note
    review.completed_by_id, review.completed_by_name = user.id, user.display_name
    review.completed_at = clock.now()
    return review
