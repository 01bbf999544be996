"""Gävle's demo: loaded through the engine on any date, its cases stand at their steps, loading twice adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.core.clock import ManualClock
from app.demo import gavle
from app.demo.loader import load_municipality
from app.domain.orgnumber import normalise_org_number
from app.models import Case, OpenTask, Organisation, User
from app.models.agreement import Agreement
from app.services import Services

DATES = [datetime(2026, 12, 6, 8, 0, tzinfo=UTC), datetime(2028, 2, 29, 8, 0, tzinfo=UTC)]


def _state(services: Services, org_number: str) -> tuple[str, set[str], Agreement | None]:
    with services.unit_of_work() as s:
        case = s.scalars(select(Case).join(Organisation).where(Organisation.org_number == org_number)).one()
        tasks = set(s.scalars(select(OpenTask.name).where(OpenTask.case_id == case.id)))
        row = s.scalars(select(Agreement).where(Agreement.case_id == case.id)).one_or_none()
        if row is not None:
            for rel in (row.payments, row.follow_ups):
                _ = rel
        process = case.definition.process_id
        s.expunge_all()
        return process, tasks, row


@pytest.mark.slow  # replays a year of an agreement through the engine, at two dates
@pytest.mark.parametrize("when", DATES, ids=[d.date().isoformat() for d in DATES])
def test_gavle_demo_stands_at_its_steps(services: Services, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    today = clock.today()
    report = load_municipality(services, gavle.DEMO)
    assert sum(line.startswith("case KS ") for line in report) == 3
    with services.unit_of_work() as s:
        counts = (s.scalar(select(func.count()).select_from(Case)), s.scalar(select(func.count()).select_from(User)))
    assert load_municipality(services, gavle.DEMO) == []
    with services.unit_of_work() as s:
        assert (s.scalar(select(func.count()).select_from(Case)),
                s.scalar(select(func.count()).select_from(User))) == counts

    process, tasks, row = _state(services, gavle.STADSMISSION)
    assert process == "gavle_agreement" and tasks == {"report"}
    assert row is not None and row.status == "running"
    assert [p.status for p in row.payments if p.due <= today] == ["paid"]
    assert [(f.year, f.status) for f in row.follow_ups if f.status != "planned"] == [(1, "open")]
    assert row.state is not None and "Socialsekreterare 20 %" in row.state["resources"]["other"]

    assert _state(services, gavle.BROTTSOFFERJOUREN)[1:] == ({"principles"}, None)
    assert _state(services, gavle.SATRA)[1:] == ({"dialogue"}, None)


def test_gavle_demo_organisation_numbers_are_valid() -> None:
    for _, number, _ in gavle.ORGANISATIONS:
        assert normalise_org_number(number) == number and number.startswith("8")
