"""Mail texts in plain Swedish. Each function returns (subject, body)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.domain.roles import ROLE_TITLES

FOOTER = "\n\nLogga in i IOP-tjänsten för att se ärendet.\n\nDetta meddelande skickades automatiskt. Svara inte på det."


def local_time(moment: datetime | None, tz: ZoneInfo) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%d") if local.strftime("%H:%M") == "00:00" else local.strftime("%Y-%m-%d kl. %H:%M")


def _role(role: str) -> str:
    return ROLE_TITLES.get(role, {}).get("sv", role).lower()


def _due_line(due: datetime | None, tz: ZoneInfo) -> str:
    return f"\nSista dag: {local_time(due, tz)}" if due else ""


def task_opened(reg: str, case_title: str, task_title: str, role: str, due: datetime | None,
                tz: ZoneInfo) -> tuple[str, str]:
    subject = f"Ny uppgift: {task_title} ({reg})"
    body = (f"Hej!\n\nEn ny uppgift väntar på dig som {_role(role)} i ärende {reg}, {case_title}:\n\n"
            f"  {task_title}{_due_line(due, tz)}\n\nVem som helst med rollen kan ta uppgiften.{FOOTER}")
    return subject, body


def task_assigned(reg: str, case_title: str, task_title: str, due: datetime | None, tz: ZoneInfo) -> tuple[str, str]:
    subject = f"Uppgiften är din: {task_title} ({reg})"
    body = (f"Hej!\n\nUppgiften nedan i ärende {reg}, {case_title}, är nu tilldelad dig:\n\n"
            f"  {task_title}{_due_line(due, tz)}{FOOTER}")
    return subject, body


def reminder(reg: str, case_title: str, task_title: str, due: datetime, tz: ZoneInfo) -> tuple[str, str]:
    subject = f"Påminnelse: {task_title} ska vara klar senast {local_time(due, tz)} ({reg})"
    body = (f"Hej!\n\nEn uppgift i ärende {reg}, {case_title}, närmar sig sista dagen:\n\n"
            f"  {task_title}{_due_line(due, tz)}\n\nGör klart uppgiften i tid, eller be en kollega ta över.{FOOTER}")
    return subject, body


def escalation(reg: str, case_title: str, what: str, due: datetime | None, tz: ZoneInfo) -> tuple[str, str]:
    subject = f"Eskalering: {what} ({reg})"
    when = f"\nTidpunkt: {local_time(due, tz)}" if due else ""
    body = (f"Hej!\n\nÄrende {reg}, {case_title}, behöver uppmärksamhet:\n\n  {what}{when}\n\n"
            f"En tidsgräns har passerats eller ärendet har eskalerats. Se till att någon tar hand om det.{FOOTER}")
    return subject, body


def decision(reg: str, case_title: str, title: str, text: str) -> tuple[str, str]:
    subject = f"Besked i ärende {reg}: {title}"
    message = f"\n\n{text.strip()}" if text.strip() else ""
    body = (f"Hej!\n\nKommunen har lämnat ett besked i ert ärende {reg}, {case_title}:\n\n  {title}{message}"
            f"{FOOTER}")
    return subject, body
