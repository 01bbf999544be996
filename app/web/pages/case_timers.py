"""The timers still to come on a case: what each waits for and when, in local time (IOP_TIMEZONE)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from app.engine.definitions import ProcessDefinition
from app.engine.timer_state import pending_timers
from app.web import formatting
from app.web.i18n import translate


@dataclass(frozen=True)
class UpcomingTimer:
    name: str
    due: datetime  # in the installation's time zone (IOP_TIMEZONE)
    text: str  # "1 mars 2027" or "1 mars 2027 kl. 09:30"


def when(moment: datetime, tz: ZoneInfo, lang: str) -> str:
    """A moment as a reader says it: the date, and the time only when it is not midnight."""
    local = moment.astimezone(tz)
    day = formatting.day(local.date(), lang)
    if (local.hour, local.minute) == (0, 0):
        return day
    return translate("case_page.at_time", lang, day=day, time=local.strftime("%H:%M"))


def upcoming_timers(workflow: BpmnWorkflow | None, definition: ProcessDefinition, tz: ZoneInfo,
                    lang: str) -> list[UpcomingTimer]:
    if workflow is None:
        return []
    found = []
    for timer in pending_timers(workflow, tz):
        info = definition.element(timer.bpmn_id)
        name = info.attributes.get("name", "").strip() if info is not None else ""
        local = timer.due.astimezone(tz)
        found.append(UpcomingTimer(name=name or translate("case_page.timer.unnamed", lang), due=local,
                                   text=when(local, tz, lang)))
    return found
