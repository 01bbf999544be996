"""Kungsbacka's demo: its people and five cases, begun by either party, each user with something to do."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from app.core.clock import ManualClock
from app.demo import kungsbacka
from app.demo.loader import load_municipality
from app.domain import permissions
from app.models import Case, OpenTask, User
from app.services import Services

FIRST = {"vendela": {"budget"}, "torbjorn": {"legal_review"}, "ingrid": {"decision"}, "halvard": {"pay"},
         "sixten": {"proposal"}}


def _state(services: Services) -> list[tuple[str, str, set[str]]]:
    with services.unit_of_work() as s:
        rows = []
        for case in s.scalars(select(Case).where(Case.municipality.has(slug="kungsbacka")).order_by(Case.id)):
            starter = s.get(User, case.created_by_id) if case.created_by_id else None
            rows.append((case.organisation.name, starter.username if starter else "",
                         set(s.scalars(select(OpenTask.name).where(OpenTask.case_id == case.id)))))
        return rows


@pytest.mark.parametrize("when", [datetime(2026, 12, 6, 8, 0, tzinfo=UTC), datetime(2028, 2, 29, 8, 0, tzinfo=UTC)],
                         ids=["2026-12-06", "2028-02-29"])
def test_the_demo_has_cases_begun_by_each_party(services: Services, people: Any, clock: ManualClock,
                                                when: datetime) -> None:
    clock.set(when)
    report = load_municipality(services, kungsbacka.DEMO)
    assert sum(line.startswith("case KS ") for line in report) == 5
    assert _state(services) == [
        ("Föreningen Vägen in", "amira", {"decision"}), ("Mentorskap Kungsbacka", "vendela", {"proposal"}),
        ("Språkvänner i Kungsbacka", "noor", {"pay"}), ("Fritid för alla i Kungsbacka", "elsa", {"legal_review"}),
        ("Grannstöd Kungsbacka", "ture", {"budget"})]
    assert load_municipality(services, kungsbacka.DEMO) == []  # loaded once
    assert len(_state(services)) == 5
    with services.unit_of_work() as s:
        for username, expected in FIRST.items():
            me = s.scalars(select(User).where(User.username == username)).one()
            assert {t.name for t in s.scalars(permissions.workable_tasks(me))} == expected, username
        sixten = s.scalars(select(User).where(User.username == "sixten")).one()
        assert [c.organisation.name for c in s.scalars(permissions.visible_cases(sixten))] == ["Mentorskap Kungsbacka"]
