"""The case history in plain words: one sentence per event, grouped by day, newest day first.

Every event kind reads as a sentence: the case page's own texts (`case_page.history.<kind>`), else the
shared ones (`history.<kind>`, which administrator actions add), else a general sentence; a raw kind
such as `timer_fired` never reaches the page. What an event recorded is shown beside it: a form's
answers (app.web.pages.answers), a reason, an assignee, a new date; technical detail (an error) goes
in a collapsed part of its own.

Days of the newest year are listed directly; each earlier year is one collapsed group, so a case that
ran for years stays a short page. Nothing here queries the database: the caller loads the events once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.core.roles import ROLE_TITLES
from app.domain.visibility import CaseView
from app.engine.incidents import incident_message
from app.models import Case, CaseEvent
from app.web import formatting
from app.web.i18n import translate
from app.web.pages.answers import Answer, event_answers
from app.web.pages.case_timers import when

_SUMMARY_TITLES = 3


def _text(key: str, lang: str, **values: Any) -> str | None:
    """The catalogue text for `key` with its placeholders filled, or None when no catalogue has it."""
    text = translate(key, lang)
    if text == key:
        return None
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def _day(value: Any, lang: str) -> str:
    shown = formatting.day(value, lang)
    return "" if shown == "–" else shown


def sentence(event: CaseEvent, lang: str) -> str:
    """What happened, as a sentence in `lang`; never the event's raw kind."""
    data = event.data or {}
    title = event.title or ""
    values: dict[str, Any] = {"title": title}
    kind = event.kind
    if kind == "message":
        payload = data.get("payload") or {}
        if data.get("message") == "withdraw":
            kind = "withdrawn"
            values["reason"] = payload.get("withdraw_reason", "")
        elif data.get("message") == "terminate":
            kind = "terminated"
            values["reason"] = payload.get("termination_reason", "")
            values["date"] = _day(payload.get("termination_date"), lang)
    elif kind == "case_completed":
        outcome = data.get("outcome")
        values["outcome"] = translate(f"outcome.{outcome}", lang) if outcome else title
        if outcome and values["outcome"] == f"outcome.{outcome}":
            values["outcome"] = title
    elif kind == "feedback":
        values["text"] = data.get("text", "")
    elif kind in ("timer_fired", "escalation"):
        values["date"] = _day(data.get("due"), lang)
        if kind == "escalation":
            roles = [ROLE_TITLES.get(r, {}).get(lang, r) for r in data.get("roles") or ["officer"]]
            values["roles"] = ", ".join(roles)
        if not values["date"]:
            kind += "_undated"
    elif kind == "late_renewal_decision":
        values["deadline"] = _day(data.get("deadline") or title, lang)
    elif kind == "decision_reported":
        values.update(item=data.get("item_code", ""), committee=data.get("committee", ""),
                      date=_day(data.get("meeting_on"), lang))
    elif kind in ("migrated", "migration_reverted"):
        values["version"] = data.get("to_version") or data.get("version") or ""
    for key in (f"case_page.history.{kind}", f"history.{kind}"):
        found = _text(key, lang, **values)
        if found:
            return found
    if title:
        return _text("case_page.history.other", lang, title=title) or title
    return _text("case_page.history.other_untitled", lang) or ""


@dataclass
class Detail:
    label: str
    text: str


@dataclass
class Entry:
    event: CaseEvent
    what: str
    who: str
    time: str  # 14:05 in local time (IOP_TIMEZONE)
    details: list[Detail] = field(default_factory=list)
    technical: str = ""  # an error's technical text, shown collapsed
    answers: list[Answer] = field(default_factory=list)


@dataclass
class DayGroup:
    day: date
    label: str  # "1 mars 2027"
    entries: list[Entry]
    titles: str  # what the day was about, for the collapsed line
    open: bool = False


@dataclass
class YearGroup:
    year: int
    days: list[DayGroup]
    events: int
    open: bool = False


def _details(event: CaseEvent, data: dict[str, Any], lang: str, tz: ZoneInfo) -> tuple[list[Detail], str]:
    shown: list[Detail] = []
    technical_parts: list[str] = []
    reason = data.get("reason")
    if reason:
        shown.append(Detail(translate("case_page.detail.reason", lang), str(reason)))
    message = incident_message(data, lang) if event.kind == "incident" else data.get("message")
    if message and event.kind != "message":  # a BPMN message's name is not for readers
        label = "case_page.detail.problem" if event.kind == "incident" else "case_page.detail.message"
        shown.append(Detail(translate(label, lang), str(message)))
    username = data.get("username")
    if username:
        shown.append(Detail(translate("case_page.detail.username", lang), str(username)))
    earlier = data.get("from")
    if earlier and event.kind == "timer_moved":
        shown.append(Detail(translate("case_page.detail.from", lang), _moment(earlier, tz, lang)))
    due = data.get("due")
    if due and event.kind not in ("timer_fired", "escalation"):  # those say their date in the sentence
        shown.append(Detail(translate("case_page.detail.due", lang), _moment(due, tz, lang)))
    retry = data.get("retry_at")
    if retry:
        shown.append(Detail(translate("case_page.detail.retry_at", lang), _moment(retry, tz, lang)))
    for key in ("detail", "error"):
        if data.get(key):
            technical_parts.append(str(data[key]))
    return shown, "\n".join(technical_parts)


def _moment(value: Any, tz: ZoneInfo, lang: str) -> str:
    if isinstance(value, str) and len(value) > 10:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return when(moment, tz, lang)
    return formatting.day(value, lang)


def entries(case: Case, events: list[CaseEvent], lang: str, tz: ZoneInfo, view: CaseView,
            units: dict[str, str] | None = None) -> list[Entry]:
    """The events `view`'s viewer may see, each with the data it may see (app.domain.visibility)."""
    system = translate("history.system", lang)
    found = []
    for event in view.events(events):
        data = view.event_data(event)
        details, technical = _details(event, data, lang, tz)
        found.append(Entry(event=event, what=sentence(event, lang),
                           who=system if event.actor_name in ("", "system") else event.actor_name,
                           time=event.at.astimezone(tz).strftime("%H:%M"), details=details, technical=technical,
                           answers=event_answers(case, event, data, units)))
    return found


def _titles(day_entries: list[Entry]) -> str:
    titles: list[str] = []
    for entry in day_entries:
        title = entry.event.title
        if entry.event.kind in ("case_started", "late_renewal_decision") or not title or title in titles:
            continue
        titles.append(title)
    if len(titles) > _SUMMARY_TITLES:
        return ", ".join(titles[:_SUMMARY_TITLES]) + " …"
    return ", ".join(titles)


def grouped(all_entries: list[Entry], tz: ZoneInfo, lang: str) -> list[YearGroup]:
    """Entries (oldest first) -> years, newest first, each with its days newest first; the newest day and
    the newest year are open, the rest collapsed."""
    days: dict[date, list[Entry]] = {}
    for entry in all_entries:
        days.setdefault(entry.event.at.astimezone(tz).date(), []).append(entry)
    years: dict[int, YearGroup] = {}
    for day in sorted(days, reverse=True):
        group = DayGroup(day=day, label=formatting.day(day, lang), entries=days[day], titles=_titles(days[day]))
        year = years.setdefault(day.year, YearGroup(year=day.year, days=[], events=0))
        year.days.append(group)
        year.events += len(group.entries)
    ordered = list(years.values())
    if ordered:
        ordered[0].open = True
        ordered[0].days[0].open = True
    return ordered
