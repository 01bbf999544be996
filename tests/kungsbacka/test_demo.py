"""Kungsbacka's demo: its people and two cases, one begun by each party, loaded once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.demo import kungsbacka
from app.demo.loader import load_municipality
from app.domain import permissions
from app.models import Case, OpenTask, User
from app.services import Services


def _state(services: Services) -> list[tuple[str, str, set[str]]]:
    with services.unit_of_work() as s:
        rows = []
        for case in s.scalars(select(Case).where(Case.municipality.has(slug="kungsbacka")).order_by(Case.id)):
            starter = s.get(User, case.created_by_id) if case.created_by_id else None
            rows.append((case.organisation.name, starter.username if starter else "",
                         set(s.scalars(select(OpenTask.name).where(OpenTask.case_id == case.id)))))
        return rows


def test_the_demo_has_a_case_begun_by_each_party(services: Services, people: Any) -> None:
    report = load_municipality(services, kungsbacka.DEMO)
    assert sum(line.startswith("case KS ") for line in report) == 2
    assert _state(services) == [("Föreningen Vägen in", "amira", {"legal_review"}),
                                ("Mentorskap Kungsbacka", "vendela", {"proposal"})]
    assert load_municipality(services, kungsbacka.DEMO) == []  # loaded once
    assert len(_state(services)) == 2
    with services.unit_of_work() as s:
        for username, expected in (("torbjorn", {"legal_review"}), ("sixten", {"proposal"}), ("amira", set())):
            me = s.scalars(select(User).where(User.username == username)).one()
            assert {t.name for t in s.scalars(permissions.workable_tasks(me))} == expected, username
        sixten = s.scalars(select(User).where(User.username == "sixten")).one()
        assert [c.organisation.name for c in s.scalars(permissions.visible_cases(sixten))] == ["Mentorskap Kungsbacka"]
