"""Gävle's rule that an agreement is always preceded by one or more idea meetings ("En överenskommelse bör alltid
föregås av ett eller flera idémöten").

The diagram holds the rule (processes/gavle_agreement.bpmn: the gateway after "Idémöte" goes on to the economic
plan only when a meeting is recorded, and otherwise returns to the meeting task). `check`, called by
`app.domain.task_actions.complete` before the engine (like the de minimis check), refuses such a completion
from the pages and the API with a message naming the field, so the officer reads why instead of meeting the
same task again. A completion that records a meeting and says the meetings are done is fine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import InvalidData
from app.i18n import translate
from app.models import Case, CaseEvent

# (process, task) whose form records an idea meeting (`meeting_held`) and says the meetings are done
TASKS = {("gavle_agreement", "dialogue")}
HELD_FIELD = "meeting_held"
DONE_FIELD = "dialogue_complete"
DATE_FIELD = "meeting_date"


def meetings_held(session: Session, case_id: int, task_name: str) -> int:
    """How many completions of the task recorded a meeting."""
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                     CaseEvent.kind == "task_completed",
                                                     CaseEvent.task_name == task_name))
    return sum(1 for e in events if isinstance((e.data or {}).get("values"), dict)
               and e.data["values"].get(HELD_FIELD) is True)


def check(session: Session, case: Case, task_name: str, data: Mapping[str, Any], today: date,
          lang: str = "sv") -> None:
    """A meeting recorded as held on a day after `today`, or going on to the agreement with no idea meeting
    recorded yet: InvalidData (422) naming the field."""
    if (case.definition.process_id, task_name) not in TASKS:
        return
    held_on = data.get(DATE_FIELD)
    if data.get(HELD_FIELD) is True and isinstance(held_on, str):
        try:
            in_future = date.fromisoformat(held_on) > today
        except ValueError:  # not a date: the form's check names it
            in_future = False
        if in_future:
            message = translate("idea_meetings.date_in_future", lang)
            raise InvalidData(message, {DATE_FIELD: message})
    if data.get(DONE_FIELD) is not True or data.get(HELD_FIELD) is True:
        return
    if meetings_held(session, case.id, task_name) == 0:
        message = translate("idea_meetings.none_yet", lang)
        raise InvalidData(message, {DONE_FIELD: message})
