"""The values an agreement document is filled with, read from the case (its agreement, its history) and
worded for a Swedish reader: amounts as '400 000 kr', dates as '1 januari 2026' (the day meant in
Stockholm), statuses and rules in plain words.

Sources: the case (registration number, organisation, municipality), the agreement row and its current
period and payments (app/models/agreement.py), the resources in the agreement state, and what the tasks
recorded in the history: the interest registration, the dialogue, the economic plan and the board's decision
(the latest completion of each).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.calendar import local_date
from app.core.clock import Clock
from app.domain.agreement_document.template_text import TEXT_FIELDS, Table, Values
from app.i18n import translate
from app.i18n.formats import long_date, number, sek
from app.models import Case, CaseEvent
from app.models.agreement import Agreement, AgreementPeriod

LANG = "sv"  # the agreement is a Swedish municipal document
MISSING = "–"
# where each municipality's process records what the agreement says: the first of these steps that the case has
# completed is read (Stenungsund's and Gävle's interest, dialogue, plan and decision; Kungsbacka's proposal, the
# municipality's own initiative, the joint budget and the committee's decision)
DESCRIBING_TASKS = ("interest", "proposal")
PLANNING_TASKS = ("economic_plan", "budget")
DECIDING_TASKS = ("board_decision", "committee_decision", "decision")
SOURCE_TASKS = (*DESCRIBING_TASKS, "dialogue", "municipal_initiative", *PLANNING_TASKS, *DECIDING_TASKS)
# a completion of these that leaves a field out keeps the earlier one's: Gävle's last idea meeting form may only say
# that the meetings are done, and the agreement names the date of the latest meeting held
CUMULATIVE_TASKS = ("dialogue",)


def _day(value: Any) -> str:
    if isinstance(value, date):
        return long_date(value, LANG)
    try:
        return long_date(date.fromisoformat(str(value)[:10]), LANG)
    except ValueError:
        return MISSING


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else MISSING


def task_values(session: Session, case_id: int) -> dict[str, dict[str, Any]]:
    """Per source task, the values of its latest completion in the case's history."""
    found: dict[str, dict[str, Any]] = {}
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                     CaseEvent.kind == "task_completed",
                                                     CaseEvent.task_name.in_(SOURCE_TASKS))
                             .order_by(CaseEvent.at, CaseEvent.id))
    for event in events:
        values = (event.data or {}).get("values")
        if isinstance(values, dict) and event.task_name:
            earlier = found.get(event.task_name, {}) if event.task_name in CUMULATIVE_TASKS else {}
            found[event.task_name] = {**earlier, **values}
    return found


def _first(tasks: dict[str, dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    """The values of the first of `names` the case has completed; none when it completed none of them."""
    return next((tasks[name] for name in names if name in tasks), {})


def enum_title(case: Case, field: str, value: Any) -> str:
    """The title the case's forms give an enumerated value (x-enum-titles), else the value itself."""
    for name, content in (case.definition.files or {}).items():
        if not name.endswith(".json") or f'"{field}"' not in content:
            continue
        try:
            prop = json.loads(content).get("properties", {}).get(field) or {}
        except (ValueError, AttributeError):
            continue
        titles = (prop.get("x-enum-titles") or {}).get(LANG) or []
        options = prop.get("enum") or []
        if value in options and len(titles) == len(options):
            return str(titles[options.index(value)])
    return _text(value)


def statistics_of(agreement: Agreement) -> list[str]:
    rows = []
    for item in agreement.statistics or []:
        if isinstance(item, dict):
            label, unit = str(item.get("label") or "").strip(), str(item.get("unit") or "").strip()
            if label:
                rows.append(f"{label} ({unit})" if unit else label)
        elif str(item).strip():
            rows.append(str(item).strip())
    return rows


def current_period(agreement: Agreement) -> AgreementPeriod | None:
    found = [p for p in agreement.periods if p.version == agreement.current_version]
    return found[0] if found else None


def decided_on(agreement: Agreement) -> str | None:
    """The day the board decided the current period (the renewal's decision for a renewed one)."""
    for period in (agreement.state or {}).get("periods") or []:
        if isinstance(period, dict) and period.get("version") == agreement.current_version:
            return str(period.get("decided_on") or "") or None
    return None


def values_for(session: Session, clock: Clock, case: Case, agreement: Agreement) -> Values:
    """Every field of the template format, filled from the case."""
    tasks = task_values(session, case.id)
    interest, dialogue = _first(tasks, DESCRIBING_TASKS), tasks.get("dialogue", {})
    initiative = tasks.get("municipal_initiative", {})  # Kungsbacka: the municipality took the initiative
    plan, decision = _first(tasks, PLANNING_TASKS), _first(tasks, DECIDING_TASKS)
    period = current_period(agreement)
    resources = dict((agreement.state or {}).get("resources") or {})
    statistics = statistics_of(agreement)
    municipality, organisation = case.municipality.name, case.organisation.name
    text = {
        "registration_number": case.registration_number,
        "municipality_name": municipality,
        "organisation_name": organisation,
        "org_number": case.organisation.org_number,
        "activity_title": _text(interest.get("activity_title") or initiative.get("initiative_title") or case.title),
        "activity_description": _text(interest.get("description") or initiative.get("initiative_description")),
        "societal_challenge": _text(interest.get("societal_challenge") or initiative.get("initiative_challenge")),
        "target_group": _text(interest.get("target_group") or dialogue.get("target_group")),
        "field_of_activity": enum_title(case, "field_of_activity", interest.get("field_of_activity")),
        "contact_name": _text(interest.get("contact_name")),
        "contact_email": _text(interest.get("contact_email") or case.organisation.email),
        "shared_goal": _text(dialogue.get("shared_goal") or interest.get("goals")),
        "purpose": _text(dialogue.get("purpose")),
        "shared_values": _text(dialogue.get("shared_values")),
        "dialogue_date": _day(dialogue.get("meeting_date")),
        "agreement_version": str(agreement.current_version),
        "period_start": _day(period.start) if period else MISSING,
        "period_end": _day(period.end) if period else MISSING,
        "period_years": str(period.years) if period else MISSING,
        "yearly_support": sek(period.yearly_amount_sek, LANG) if period else MISSING,
        "total_support": sek(period.total_sek, LANG) if period else MISSING,
        "payment_interval": translate(f"mail.interval.{period.payment_interval}", LANG) if period else MISSING,
        "own_funds": sek(resources.get("own_funds_sek", 0), LANG),
        "volunteer_hours": number(resources.get("volunteer_hours_per_year", 0), LANG),
        "volunteer_value": sek(resources.get("volunteer_value_sek", 0), LANG),
        "organisation_total": sek(resources.get("total_sek", 0), LANG),
        "other_resources": _text(resources.get("other") or plan.get("other_resources")),
        "repayment_rule": translate(f"agreement.rule.{agreement.repayment_rule}", LANG).lower(),
        "renewal_dialogue_opens": _day(period.renewal_dialogue_opens) if period else MISSING,
        "renewal_decision_deadline": _day(period.renewal_decision_deadline) if period else MISSING,
        "decision_date": _day(decided_on(agreement) or decision.get("decision_date")),
        "decision_reference": _text(period.decision_ref if period and period.decision_ref
                                    else decision.get("minute_reference")),
        "statistics": ", ".join(statistics) or MISSING,
        "document_date": _day(local_date(clock.now())),
    }
    assert set(text) == set(TEXT_FIELDS), set(TEXT_FIELDS) ^ set(text)
    parties = [[organisation, case.organisation.org_number, translate("agreement_document.role.organisation", LANG)]]
    for party in agreement.parties or []:  # the first is the case's organisation (as the interest named it)
        if isinstance(party, dict) and str(party.get("name") or "").strip() \
                and str(party.get("org_number") or "").strip() != case.organisation.org_number:
            share = party.get("share_percent")
            role = translate("agreement_document.role.further_party", LANG)
            parties.append([_text(party.get("name")), _text(party.get("org_number")),
                            f"{role} ({share} %)" if share not in (None, "") else role])
    parties.append([municipality, MISSING, translate("agreement_document.role.municipality", LANG)])
    header = [translate(f"agreement_document.column.{key}", LANG) for key in ("party", "org_number", "role")]
    signatures = [[translate(f"agreement_document.column.{key}", LANG)
                   for key in ("for_party", "signatory", "place_date", "signature")],
                  [municipality, translate("agreement_document.signatory.municipality", LANG), "", ""],
                  [organisation, text["contact_name"], "", ""]]
    signatures += [[row[0], "", "", ""] for row in parties[1:-1]]
    amounts = [[translate("agreement_document.column.amount_item", LANG),
                translate("agreement_document.column.amount", LANG)]]
    if period is not None:
        amounts += [[translate("agreement_document.amount.yearly_support", LANG, municipality=municipality),
                     text["yearly_support"]],
                    [translate("agreement_document.amount.total_support", LANG, years=period.years),
                     text["total_support"]]]
    amounts += [[translate("agreement_document.amount.own_funds", LANG), text["own_funds"]],
                [translate("agreement_document.amount.volunteer_value", LANG, hours=text["volunteer_hours"]),
                 text["volunteer_value"]],
                [translate("agreement_document.amount.organisation_total", LANG), text["organisation_total"]]]
    payments = [[translate("agreement_document.column.due", LANG), translate("agreement_document.column.amount", LANG)]]
    payments += [[_day(p.due), sek(p.amount_sek, LANG)]
                 for p in sorted(agreement.payments, key=lambda p: (p.version, p.number))
                 if p.version == agreement.current_version]
    return Values(text=text,
                  tables={"parties_table": Table([header, *parties]), "signatures_table": Table(signatures),
                          "amounts_table": Table(amounts), "payments_table": Table(payments)},
                  lists={"statistics_list": statistics or [MISSING]})
