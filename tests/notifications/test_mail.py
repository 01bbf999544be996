"""Mail as a real SMTP server on loopback receives it: who, which Swedish subject, and the outbox record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.domain import task_actions
from app.jobs.timer_sweep import fire_due_timers
from app.models import Notification, User
from app.services import Services
from tests.notifications.conftest import SmtpServer, free_port
from tests.timers.helpers import complete, deploy, local, move, open_tasks, start

REG = "KS 2026/0001"


def _outbox(services: Services, kind: str | None = None) -> list[Notification]:
    with services.unit_of_work() as s:
        query = select(Notification).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(s.scalars(query))


def _give_board_an_address(services: Services) -> None:
    with services.unit_of_work() as s:
        board = s.scalar(select(User).where(User.username == "board"))
        assert board is not None
        board.email = "board@example.org"


def _review_case(services: Services, deadline: str = "2026-12-01") -> int:
    deploy(services)
    return start(services, "timer_deadline", {"deadline_day": deadline})


def test_task_opened_for_a_role_reaches_the_role_holders(services: Services, people: Any, smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    _review_case(services)
    assert smtp.inbox.to("officer@example.org") == [f"Ny uppgift: Granska underlaget ({REG})"]
    assert smtp.inbox.to("lawyer@example.org") == []  # not their role
    [row] = _outbox(services, "task_opened")
    assert row.recipient == "officer@example.org" and row.sent_at is not None and row.error is None
    body = smtp.inbox.items[0].message.get_content()
    assert "Sista dag: 2026-11-28 kl. 23:59" in body and "handläggare" in body
    assert smtp.inbox.items[0].message["From"] == "iop@falun.example"


def test_claim_tells_the_assignee(services: Services, people: Any, smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    case_id = _review_case(services)
    [task] = open_tasks(services, case_id)
    with services.unit_of_work() as s:
        officer = s.get(User, people["officer"].id)
        assert officer is not None
        task_actions.claim(s, services.engine, officer, task.id)
    assert smtp.inbox.to("officer@example.org")[-1] == f"Uppgiften är din: Granska underlaget ({REG})"


def test_due_date_reminder_two_days_before_once(services: Services, people: Any, smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    _review_case(services, deadline="2027-06-01")
    # due at the end of 2026-11-28; the reminder goes on 2026-11-26 at 23:59:59
    move(services, local("2026-11-26 23:59"))
    assert _outbox(services, "reminder") == []
    move(services, local("2026-11-27 08:00"))
    move(services, local("2026-11-27 09:00"))
    [row] = _outbox(services, "reminder")
    assert row.sent_at is not None
    assert smtp.inbox.to("officer@example.org")[-1] == \
        f"Påminnelse: Granska underlaget ska vara klar senast 2026-11-28 kl. 23:59 ({REG})"


def test_escalation_from_a_deadline_timer_reaches_officer_and_board(services: Services, people: Any,
                                                                   smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    _give_board_an_address(services)
    _review_case(services, deadline="2026-11-25")
    assert move(services, local("2026-11-25 09:00")) == 1
    subject = f"Eskalering: Granskningen är försenad ({REG})"
    assert subject in smtp.inbox.to("officer@example.org")
    assert smtp.inbox.to("board@example.org") == [subject]
    assert {r.recipient for r in _outbox(services, "escalation")} == {"officer@example.org", "board@example.org"}


def test_decision_feedback_reaches_the_organisation(services: Services, people: Any, smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    case_id = _review_case(services, deadline="2026-11-25")
    move(services, local("2026-11-26 10:00"))
    complete(services, case_id, "escalated", {"decision_text": "Ärendet avslutas."})
    subject = f"Besked i ärende {REG}: Besluta om det försenade ärendet"
    assert smtp.inbox.to("a@example.org") == [subject]  # the organisation's own address
    assert smtp.inbox.to("org_a@example.org") == [subject]  # and its users
    body = [r for r in smtp.inbox.items if "a@example.org" in r.recipients][0].message.get_content()
    assert "Ärendet avslutas." in body


def test_smtp_down_keeps_the_mail_and_a_later_sweep_delivers_it(services: Services, people: Any) -> None:
    server = SmtpServer(port=free_port())
    services.settings.smtp_url = server.url  # nothing listens there yet
    _review_case(services)
    [row] = _outbox(services, "task_opened")
    assert row.sent_at is None and row.error and row.attempts == 1
    server.start()
    try:
        fire_due_timers(services)
        [row] = _outbox(services, "task_opened")
        assert row.sent_at is not None and row.error is None and row.attempts == 2
        assert server.inbox.to("officer@example.org") == [f"Ny uppgift: Granska underlaget ({REG})"]
        fire_due_timers(services)
        assert len(server.inbox.items) == 1  # sent once
    finally:
        server.stop()


def test_without_smtp_url_mail_is_logged_and_recorded(services: Services, people: Any) -> None:
    assert services.settings.smtp_url is None
    _review_case(services)
    [row] = _outbox(services, "task_opened")
    assert row.sent_at is not None and row.error is None


def test_bpmn_escalation_event_notifies_the_roles_it_names(services: Services, people: Any, smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    deploy(services)
    start(services, "timer_escalate", {})
    assert move(services, local("2026-11-25 08:59")) == 0
    assert move(services, local("2026-11-25 09:00")) == 1  # P2D after 2026-11-23 09:00
    subject = f"Eskalering: Ärendet har eskalerats ({REG})"
    assert subject in smtp.inbox.to("officer@example.org")
    assert smtp.inbox.to("a@example.org") == [subject]  # "organisation" in notify: the organisation is told
