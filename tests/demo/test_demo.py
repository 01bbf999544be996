"""Stenungsund's demo: its three running IOPs at realistic stages, made through the engine; loads idempotently."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo import load_demo
from app.demo_stenungsund import KVINNOJOUREN, PELIKANEN, SECOND_HAND, USERS
from app.domain.orgnumber import normalise_org_number
from app.models import Case, OpenTask, Organisation, User
from app.models.agreement import Agreement
from app.services import Services
from app.simulation import next_timer_at


def _counts(services: Services) -> tuple[int, int, int]:
    with services.unit_of_work() as s:
        return (s.scalar(select(func.count()).select_from(Case)) or 0,
                s.scalar(select(func.count()).select_from(User)) or 0,
                s.scalar(select(func.count()).select_from(Organisation)) or 0)


def _agreement(services: Services, org_number: str) -> tuple[Case, Agreement, list[str]]:
    with services.unit_of_work() as s:
        case = s.scalars(select(Case).join(Organisation).where(Organisation.org_number == org_number)).one()
        row = s.scalars(select(Agreement).where(Agreement.case_id == case.id)).one()
        for rel in (row.periods, row.payments, row.follow_ups):
            _ = rel
        tasks = sorted(s.scalars(select(OpenTask.name).where(OpenTask.case_id == case.id)))
        s.expunge_all()
        return case, row, tasks


def test_demo_loads_twice_and_shows_the_three_running_iops(services: Services) -> None:
    first = load_demo(services)
    assert any(line.startswith("case KS 2019/") for line in first)
    counts = _counts(services)
    assert load_demo(services) == ["demo data already loaded"]
    assert _counts(services) == counts
    today = services.clock.today()
    assert today == date(2026, 11, 23)

    for number in (KVINNOJOUREN, SECOND_HAND, PELIKANEN):
        assert normalise_org_number(number) == number and number.startswith("8")
    with services.unit_of_work() as s:
        usernames = set(s.scalars(select(User.username)))
        assert {u["username"] for u in USERS} <= usernames

    case, row, tasks = _agreement(services, KVINNOJOUREN)
    assert case.status == "running" and row.status == "running" and row.current_version == 2
    assert [(p.start.isoformat(), p.end.isoformat()) for p in row.periods] == [
        ("2020-01-01", "2022-12-31"), ("2023-01-01", "2027-12-31")]
    assert row.periods[1].renewal_dialogue_opens == date(2027, 3, 31) > today  # upcoming
    assert tasks == ["review"]
    upcoming = [p for p in row.payments if p.status == "planned"]
    assert (upcoming[0].version, upcoming[0].due, upcoming[0].amount_sek) == (2, date(2027, 1, 1), 420_000)
    assert {p.status for p in row.payments if p.due < today} == {"paid"}

    case, row, tasks = _agreement(services, SECOND_HAND)
    assert tasks == ["report"]
    assert [f.status for f in row.follow_ups if f.status != "planned"] == ["open"]
    assert [n["kind"] for n in row.notices] == ["follow_up_reminder"]
    due_soon = min((p for p in row.payments if p.status == "planned"), key=lambda p: p.due)
    assert due_soon.due == date(2026, 12, 15) and 0 < (due_soon.due - today).days <= 30

    case, row, tasks = _agreement(services, PELIKANEN)
    assert tasks == [] and row.periods[0].payment_interval == "quarterly"
    assert sum(p.status == "paid" for p in row.payments) == 6
    assert min(p.due for p in row.payments if p.status == "planned") == date(2027, 1, 1)

    for number in (KVINNOJOUREN, SECOND_HAND, PELIKANEN):
        case, _, _ = _agreement(services, number)
        due = next_timer_at(services, case.id)
        assert due is not None and due > services.clock.now()  # waiting on the future, for the real scheduler
