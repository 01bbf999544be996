"""Each mail in its recipient's language: English for a user who chose English, Swedish for everyone else
(including an address that is no user's, such as the organisation's own), as the loopback SMTP server receives it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.domain import task_actions
from app.models import Case, Notification, User
from app.notifications import texts
from app.services import Services
from tests.notifications.conftest import OFFICER, ORG, ORG_USER, SmtpServer
from tests.stenungsund import steps
from tests.timers.helpers import complete, deploy, local, move, open_tasks, start

REG = "KS 2026/0001"
OFFICER2 = "officer2@example.org"


def _speaks_english(services: Services, username: str, email: str | None = None) -> None:
    with services.unit_of_work() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        user.language = "en"
        if email:
            user.email = email


def _mail(smtp: SmtpServer, address: str, starting: str) -> tuple[str, str]:
    [item] = [r for r in smtp.inbox.items if address in r.recipients
              and str(r.message["Subject"]).startswith(starting)]
    return str(item.message["Subject"]), str(item.message.get_content())


def _review_case(services: Services, deadline: str = "2026-12-01") -> int:
    deploy(services)
    return start(services, "timer_deadline", {"deadline_day": deadline})


def test_task_opened_in_each_role_holders_language(services: Services, people: Any, smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    _speaks_english(services, "officer2", OFFICER2)
    _review_case(services)
    subject, body = _mail(smtp, OFFICER2, "New task")
    assert subject == f"New task: Granska underlaget ({REG})"
    assert "A new task is waiting for you as department officer" in body
    assert "Due: 2026-11-28 at 23:59" in body and texts.footer("en").strip() in body
    assert "Hej" not in body and "Sista dag" not in body
    subject, body = _mail(smtp, "officer@example.org", "Ny uppgift")
    assert subject == f"Ny uppgift: Granska underlaget ({REG})"
    assert "Sista dag: 2026-11-28 kl. 23:59" in body and "handläggare" in body
    assert smtp.inbox.to(OFFICER2) == [f"New task: Granska underlaget ({REG})"]


def test_claim_and_reminder_in_the_assignees_language(services: Services, people: Any, smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    _speaks_english(services, "officer")
    case_id = _review_case(services, deadline="2027-06-01")
    [task] = open_tasks(services, case_id)
    with services.unit_of_work() as s:
        officer = s.get(User, people["officer"].id)
        assert officer is not None
        task_actions.claim(s, services.engine, officer, task.id)
    move(services, local("2026-11-27 08:00"))
    assert smtp.inbox.to("officer@example.org") == [
        f"New task: Granska underlaget ({REG})", f"The task is yours: Granska underlaget ({REG})",
        f"Reminder: Granska underlaget is due by 2026-11-28 at 23:59 ({REG})"]
    assert "is now assigned to you" in _mail(smtp, "officer@example.org", "The task is yours")[1]


def test_escalation_in_each_recipients_language(services: Services, people: Any, smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    _speaks_english(services, "board", "board@example.org")
    _review_case(services, deadline="2026-11-25")
    assert move(services, local("2026-11-25 09:00")) == 1
    subject, body = _mail(smtp, "board@example.org", "Escalation")
    assert subject == f"Escalation: Granskningen är försenad ({REG})"
    assert f"Case {REG}, " in body and "needs attention" in body and "A deadline has passed" in body
    assert "Hej" not in body
    subject, body = _mail(smtp, "officer@example.org", "Eskalering")
    assert subject == f"Eskalering: Granskningen är försenad ({REG})"
    assert "behöver uppmärksamhet" in body
    assert smtp.inbox.to("board@example.org") == [f"Escalation: Granskningen är försenad ({REG})"]


def test_decision_feedback_english_user_swedish_organisation_address(services: Services, people: Any,
                                                                     smtp: SmtpServer) -> None:
    services.settings.smtp_url = smtp.url
    _speaks_english(services, "org_a")
    case_id = _review_case(services, deadline="2026-11-25")
    move(services, local("2026-11-26 10:00"))
    complete(services, case_id, "escalated", {"decision_text": "Ärendet avslutas."})
    title = "Besluta om det försenade ärendet"
    assert smtp.inbox.to("org_a@example.org") == [f"Decision in case {REG}: {title}"]
    assert smtp.inbox.to("a@example.org") == [f"Besked i ärende {REG}: {title}"]  # the organisation's own address
    body = _mail(smtp, "org_a@example.org", "Decision")[1]
    assert "The municipality has given a decision in your case" in body and "Ärendet avslutas." in body


def _reg(services: Services, case_id: int) -> str:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.registration_number


def test_board_decision_and_held_payment_in_each_recipients_language(services: Services,
                                                                     staff: SmtpServer) -> None:
    _speaks_english(services, "org_a")
    case_id = steps.to_decision(services)
    steps.advance(services, "2025-11-20")
    reg = _reg(services, case_id)
    subject, body = _mail(staff, ORG_USER, "Decision:")
    assert subject == f"Decision: the municipality enters into the agreement ({reg})"
    assert "KS § 123" in body and "Agreement period: 2026-01-01 – 2030-12-31" in body
    assert "Support: SEK\xa0400,000 per year (once a year)" in body and "Hej" not in body
    subject, body = _mail(staff, ORG, "Beslut:")  # the organisation's own address: no user, Swedish
    assert subject == f"Beslut: kommunen ingår överenskommelsen ({reg})" and "400\xa0000\xa0kr per år" in body

    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    steps.advance(services, "2027-01-01")
    subject, body = _mail(staff, ORG_USER, "Payment withheld")
    assert subject == f"Payment withheld: the follow-up has not been approved ({reg})"
    assert "The following payment in case" in body and "2027-01-01: SEK\xa0400,000" in body
    subject, body = _mail(staff, ORG, "Utbetalning innehållen")
    assert subject == f"Utbetalning innehållen: uppföljningen är inte godkänd ({reg})"
    assert "2027-01-01: 400\xa0000\xa0kr" in body
    assert f"Eskalering: Utbetalningsdagen nådd utan godkänd uppföljning ({reg})" in staff.inbox.to(OFFICER)
    with services.unit_of_work() as s:
        rows = {r.recipient: r.subject for r in s.scalars(select(Notification).where(
            Notification.kind == "payment_held"))}
    assert rows == {ORG: f"Utbetalning innehållen: uppföljningen är inte godkänd ({reg})",
                    ORG_USER: f"Payment withheld: the follow-up has not been approved ({reg})"}


TZ = ZoneInfo("Europe/Stockholm")
DUE = datetime(2026, 11, 28, 22, 59, tzinfo=UTC)
PERIOD: dict[str, object] = {"start": "2026-01-01", "end": "2030-12-31", "yearly_amount_sek": 400000,
                             "decision_ref": "KS § 1", "renewal_dialogue_opens": "2030-03-31", "interval": "quarterly"}
CLAIM: dict[str, object] = {"terminated_on": "2026-07-01", "reason": "Verksamheten upphör.", "amount_sek": 1000,
                            "lines": [{"due": "2026-01-01", "amount_sek": 1000}]}
EVERY_TEXT: list[tuple[str, tuple[Any, ...]]] = [
    ("task_opened", ("R", "C", "T", "officer", DUE, TZ)), ("task_assigned", ("R", "C", "T", DUE, TZ)),
    ("reminder", ("R", "C", "T", DUE, TZ)), ("escalation", ("R", "C", "W", DUE, TZ)),
    ("decision", ("R", "C", "T", "Text")), ("agreement_decided", ("R", "C", PERIOD, "En gång per kvartal")),
    ("follow_up_missing", ("R", "C", 1, "2026-12-01", "2027-01-01")),
    ("payment_held", ("R", "C", [("2027-01-01", 400000), ("2027-04-01", 100000)])),
    ("renewal_opened", ("R", "C", "2026-12-31", "2026-09-30")),
    ("renewal_declined", ("R", "C", "organisation", "2026-12-31")),
    ("renewal_decided", ("R", "C", True, {"renewal_years": 3, "renewal_yearly_support_sek": 450000}, "2027-01-01",
                         "2026-12-31")),
    ("renewal_decided", ("R", "C", False, {}, "2027-01-01", "2026-12-31")),
    ("agreement_terminated", ("R", "C", CLAIM)), ("agreement_terminated", ("R", "C", dict(CLAIM, amount_sek=0))),
    ("repayment_settled", ("R", "C", 1000)),
]


@pytest.mark.parametrize(("name", "args"), EVERY_TEXT, ids=[f"{n}-{i}" for i, (n, _) in enumerate(EVERY_TEXT)])
def test_every_text_has_an_english_version(name: str, args: tuple[Any, ...]) -> None:
    function = getattr(texts, name)
    swedish = function(*args)
    assert function(*args, lang="sv") == swedish and swedish[1].startswith("Hej!")
    assert swedish[1].endswith(texts.footer("sv"))
    subject, body = function(*args, lang="en")
    assert subject != swedish[0] and "R" in subject
    assert body.startswith("Hello,\n\n") and body.endswith(texts.footer("en"))
    assert "case R, C" in body.replace("Case", "case")
    assert not any(word in subject + body for word in (" kr", "kl.", "Sista dag", "ärende", "överenskommelse"))


def test_english_amounts_intervals_and_plural() -> None:
    body = texts.agreement_decided("R", "C", PERIOD, "En gång per kvartal", "en")[1]
    assert "Support: SEK\xa0400,000 per year (once a quarter)" in body and "decided (KS § 1)" in body
    body = texts.payment_held("R", "C", [("2027-01-01", 400000), ("2027-04-01", 100000)], "en")[1]
    assert "The following payments in case R, C, are withheld" in body and "  2027-04-01: SEK\xa0100,000" in body
    assert "New period from: 2027-01-01, 1 year\n" in texts.renewal_decided(
        "R", "C", True, {"renewal_years": 1}, "2027-01-01", "2026-12-31", "en")[1]
    assert texts.language("en") == "en" and texts.language("sv") == "sv" and texts.language(None) == "sv"
    assert texts.language("de") == "sv"
