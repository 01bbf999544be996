"""The de minimis panel of a decision that grants support: what the decider sees before deciding.

Shown on the task page of a granting decision step (app.domain.state_aid.decisions.DECISIONS) when the
organisation said it carries on economic activity: the aid recorded in every municipality of the installation
that counts on the decision date, the organisation's declaration, this decision (in euro once a rate is given)
and the sum against the ceiling of the chosen regulation, with a warning from 80 % and the refusal above it.
The figures follow what the form holds (after a refused submission: what was typed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.state_aid.decisions import pending, regulation_name
from app.domain.state_aid.window import WARN_PERCENT, first_decision_counted, in_euro
from app.i18n.formats import eur, number, sek, short_date
from app.models import Case, OpenTask
from app.web.context import db, services
from app.web.i18n import translate


@dataclass(frozen=True)
class Panel:
    rows: list[tuple[str, str]]
    level: str  # "ok", "warning" or "refused"
    message: str


def panel(case: Case, task: OpenTask, values: dict[str, Any], lang: str) -> Panel | None:
    found = pending(db(), case, task.name, values, services().clock.today(), require_grant=False)
    if found is None:
        return None
    a = found.assessment
    day = short_date(a.day, lang)
    if found.rate is None:
        new = translate("state_aid.panel.new_without_rate", lang, sek=sek(found.amount_sek, lang))
    else:
        new = translate("state_aid.panel.new_with_rate", lang, eur=eur(in_euro(a.new_cents), lang),
                        sek=sek(found.amount_sek, lang), rate=number(found.rate, lang))
    rows = [
        (translate("state_aid.panel.recorded", lang, start=short_date(first_decision_counted(a.day), lang),
                   day=day), eur(in_euro(a.recorded_cents), lang)),
        (translate("state_aid.panel.declared", lang), eur(in_euro(a.declared_cents), lang)),
        (translate("state_aid.panel.new", lang, day=day), new),
        (translate("state_aid.panel.total", lang), eur(in_euro(a.total_cents), lang)),
        (translate("state_aid.panel.ceiling", lang, regulation=regulation_name(a.regulation, lang)),
         eur(in_euro(a.ceiling_cents), lang)),
    ]
    percent = a.total_cents * 100 // a.ceiling_cents
    if a.refused:
        return Panel(rows, "refused", translate("state_aid.panel.refused", lang, percent=percent))
    if a.warning:
        return Panel(rows, "warning", translate("state_aid.panel.warning", lang, percent=percent,
                                                 limit=WARN_PERCENT))
    return Panel(rows, "ok", translate("state_aid.panel.ok", lang, percent=percent))
