"""The demo tells the README's story on any date: loaded on a real SQLite file at three far-apart clock
dates (one a leap day), every case stands at its step and every demo user finds something on their page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.clock import ManualClock
from app.demo import load_demo
from app.demo.falun import USERS as FALUN_USERS
from app.demo.gavle import USERS as GAVLE_USERS
from app.demo.kungsbacka import USERS as KUNGSBACKA_USERS
from app.demo.stenungsund import KVINNOJOUREN, LAXHJALPEN, MOTESPLATS, PELIKANEN, SECOND_HAND
from app.demo.stenungsund import USERS as STENUNGSUND_USERS
from app.domain import permissions
from app.domain.orgnumber import normalise_org_number
from app.driving.case_driver import next_timer_at
from app.models import Case, OpenTask, Organisation, User
from app.models.agreement import Agreement
from app.services import Services
from app.web.factory import create_app

# 09:00 in Stockholm on each day; 2028-02-29 is a leap day
DATES = [datetime(2026, 12, 6, 8, 0, tzinfo=UTC), datetime(2028, 2, 29, 8, 0, tzinfo=UTC),
         datetime(2031, 2, 28, 8, 0, tzinfo=UTC)]

# what each user finds first, as the README's "Demo users" table says: open tasks (by name) on /tasks/,
# or the cases listed on their start page
TASKS = {"anna": {"checklist"}, "bo": {"review_draft"}, "lena": {"legal_assessment", "final_review"},
         "olle": {"department_decision"}, "sofia": {"renewal_dialogue", "escalate_hold", "economic_plan"},
         "goran": {"board_decision"}, "frida": {"pay"}, "maria": {"report"}, "peter": {"report"},
         "elin": {"dialogue"}, "nils": {"principles"}, "anna.lind": {"report"},
         "vendela": {"budget"}, "torbjorn": {"legal_review"}, "ingrid": {"decision"}, "halvard": {"pay"},
         "sixten": {"proposal"}}
PAGES = {"karin": "/portal/", "lisa": "/portal/", "omar": "/portal/", "pia": "/admin/", "stig": "/admin/",
         "admin": "/admin/", "jonas": "/portal/", "sara": "/portal/", "tove": "/admin/", "ebba": "/finance/payments",
         "amira": "/portal/", "noor": "/portal/", "elsa": "/portal/", "ture": "/portal/"}


def _counts(services: Services) -> tuple[int, int, int]:
    with services.unit_of_work() as s:
        return (s.scalar(select(func.count()).select_from(Case)) or 0,
                s.scalar(select(func.count()).select_from(User)) or 0,
                s.scalar(select(func.count()).select_from(Organisation)) or 0)


def _agreement(services: Services, org_number: str) -> tuple[Case, Agreement | None, set[str]]:
    with services.unit_of_work() as s:
        case = s.scalars(select(Case).join(Organisation).where(Organisation.org_number == org_number)).one()
        row = s.scalars(select(Agreement).where(Agreement.case_id == case.id)).one_or_none()
        if row is not None:
            for rel in (row.periods, row.payments, row.follow_ups):
                _ = rel
        tasks = set(s.scalars(select(OpenTask.name).where(OpenTask.case_id == case.id)))
        s.expunge_all()
        return case, row, tasks


def _log_in(app: Flask, client: FlaskClient, services: Services, username: str) -> None:
    """A page session for `username` as a password log-in makes one (without Argon2's 0.4 s per user)."""
    from app.web.security import WEB, _open_session

    with services.unit_of_work() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
    with app.test_request_context("/"):
        sid = _open_session(user, WEB)
    with client.session_transaction() as sess:
        sess.clear()
        sess["sid"] = sid
        sess["lang"] = "sv"


def _check_stenungsund(services: Services, today: date) -> None:
    # Kvinnojouren: renewed once; the renewal dialogue opened nine months before the end, days ago, and
    # a quarterly payment was released a day or few ago and waits for finance
    case, row, tasks = _agreement(services, KVINNOJOUREN)
    assert row is not None and case.status == "running" and row.current_version == 2
    assert tasks == {"renewal_dialogue", "pay"}
    first, renewed = row.periods
    assert renewed.start == first.end + timedelta(days=1)
    assert first.start < today - timedelta(days=4 * 365)
    assert today - timedelta(days=7) <= renewed.renewal_dialogue_opens <= today < renewed.renewal_decision_deadline
    assert (renewed.end - renewed.renewal_dialogue_opens).days in range(270, 280)  # nine months as people count
    released = [p for p in row.payments if p.status == "released"]
    assert len(released) == 1 and today - timedelta(days=7) <= released[0].due < today
    assert released[0].version == 2 and released[0].amount_sek == 105_000
    assert {p.status for p in row.payments if p.due < released[0].due} == {"paid"}

    # second hand: its first follow-up report is open and due within days
    case, row, tasks = _agreement(services, SECOND_HAND)
    assert row is not None and tasks == {"report"}
    opened = [f for f in row.follow_ups if f.status != "planned"]
    assert [(f.year, f.status) for f in opened] == [(1, "open")]
    assert 0 < (opened[0].due - today).days <= 7
    assert [p.status for p in row.payments if p.due <= today] == ["paid"]

    # Pelikanen: the first report never came; the payment at the first anniversary is held and escalated
    case, row, tasks = _agreement(services, PELIKANEN)
    assert row is not None and tasks == {"report", "escalate_hold"}
    held = [p for p in row.payments if p.status == "held"]
    assert len(held) == 1 and today - timedelta(days=7) <= held[0].due < today
    assert sum(p.status == "paid" for p in row.payments) == 4 and row.periods[0].payment_interval == "quarterly"
    assert [(f.year, f.status) for f in row.follow_ups if f.status != "planned"] == [(1, "open")]
    assert "follow_up_reminder" in [n["kind"] for n in row.notices]

    # in preparation: the economic plan (Mötesplats) and the board's decision (Läxhjälpen)
    case, row, tasks = _agreement(services, MOTESPLATS)
    assert row is None and tasks == {"economic_plan"} and case.status == "running"
    case, row, tasks = _agreement(services, LAXHJALPEN)
    assert row is None and tasks == {"board_decision"} and case.status == "running"

    for number in (KVINNOJOUREN, SECOND_HAND, PELIKANEN):
        case, _, _ = _agreement(services, number)
        due = next_timer_at(services, case.id)
        assert due is not None and due > services.clock.now()  # waiting on the future, for the real scheduler


def _check_falun(services: Services, today: date) -> None:
    with services.unit_of_work() as s:
        falun = [(c.status, c.outcome, c.created_at, set(s.scalars(select(OpenTask.name)
                                                                     .where(OpenTask.case_id == c.id))))
                 for c in s.scalars(select(Case).join(Case.municipality).where(Case.municipality.has(slug="falun"))
                                    .order_by(Case.id))]
    assert [(status, outcome, tasks) for status, outcome, _, tasks in falun] == [
        ("running", None, {"checklist"}), ("running", None, {"legal_assessment"}),
        ("running", None, {"department_decision"}), ("running", None, {"review_draft"}),
        ("running", None, {"final_review"}), ("completed", "approved", set()),
        ("completed", "wrong_contract_form", set())]
    ages = [(today - created.date()).days for _, _, created, _ in falun]
    assert all(0 <= age <= 120 for age in ages) and len(set(ages)) == len(ages)  # begun on different days


@pytest.mark.slow  # loads the whole demo, at three dates
@pytest.mark.parametrize("when", DATES, ids=[d.date().isoformat() for d in DATES])
def test_demo_tells_the_readme_story_on_any_date(services: Services, clock: ManualClock, when: datetime) -> None:
    clock.set(when)
    today = clock.today()
    report = load_demo(services)
    assert any(line.startswith("case KS ") for line in report)
    counts = _counts(services)
    assert load_demo(services) == ["demo data already loaded"]
    assert _counts(services) == counts

    _check_stenungsund(services, today)
    _check_falun(services, today)
    with services.unit_of_work() as s:
        assert "" not in set(s.scalars(select(Case.current_step).where(Case.status == "running")))

    # every demo user finds something: their open tasks, or their cases on their start page
    app = create_app(services.settings, services=services)
    client = app.test_client()
    everyone = {u["username"] for u in FALUN_USERS + STENUNGSUND_USERS + GAVLE_USERS + KUNGSBACKA_USERS}
    assert everyone == set(TASKS) | set(PAGES)  # every demo user is checked
    for username in sorted(everyone):
        with services.unit_of_work() as s:
            me = s.scalars(select(User).where(User.username == username)).one()
            workable = list(s.scalars(permissions.workable_tasks(me)))
            cases = list(s.scalars(permissions.visible_cases(me).where(Case.status == "running")))
            s.expunge_all()
        _log_in(app, client, services, username)
        if username in TASKS:
            assert {t.name for t in workable} == TASKS[username], username
            page = client.get("/tasks/")
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            assert all(f"/tasks/{t.id}" in html for t in workable), username
        else:
            assert cases, username
            page = client.get(PAGES[username])
            assert page.status_code == 200, username
            html = page.get_data(as_text=True)
            if PAGES[username] == "/admin/":  # the overview counts the running cases
                assert f">{len(cases)} ärenden<" in html, username
            else:
                assert any(c.registration_number in html for c in cases), username
    _log_in(app, client, services, "admin")
    assert client.get("/processes/").status_code == 200


def test_demo_organisation_numbers_are_valid() -> None:
    for number in (KVINNOJOUREN, SECOND_HAND, PELIKANEN, MOTESPLATS, LAXHJALPEN):
        assert normalise_org_number(number) == number and number.startswith("8")
