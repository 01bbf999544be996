"""Registration numbers (diarienummer): per municipality and year, e.g. KS 2026/0042."""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Municipality, RegistrationCounter


def next_registration_number(session: Session, municipality: Municipality, year: int) -> str:
    for _attempt in range(3):
        stmt = (
            update(RegistrationCounter)
            .where(RegistrationCounter.municipality_id == municipality.id, RegistrationCounter.year == year)
            .values(last_number=RegistrationCounter.last_number + 1)
            .returning(RegistrationCounter.last_number)
        )
        number = session.execute(stmt).scalar_one_or_none()
        if number is None:
            try:
                with session.begin_nested():
                    session.execute(insert(RegistrationCounter).values(
                        municipality_id=municipality.id, year=year, last_number=1))
                number = 1
            except IntegrityError:
                continue
        return municipality.registration_format.format(year=year, seq=number, municipality=municipality.slug)
    raise RuntimeError("could not allocate a registration number")
