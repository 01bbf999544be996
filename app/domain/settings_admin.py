"""A municipality's settings edited by its administrator: the settings page (/admin/settings) and
GET/PUT /api/v1/municipalities/<slug>/settings.

`MunicipalSettings.from_mapping` (app/core/municipal_settings.py) is the one validation; `settings_problems`
asks it field by field, so a form or a request with several wrong values hears about each, by name.
`update_settings` stores the new settings and records every changed setting in `municipality_settings_changes`
(who, when, the value before and after); `changes_of` lists them, newest first.

What a change does: the settings are read when the agreement code plans something. A new agreement (or a
renewal's new period) is planned under the settings of that day; a running agreement keeps the dates it was
planned with (its payments, follow-ups, renewal dialogue and deadline are stored in the agreement's state), so
changing a setting never moves a date an organisation has been told. docs/architecture.md, "Municipal settings".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.municipal_settings import MunicipalSettings, SettingsError, configure, settings_of
from app.engine import ownership
from app.models import DefinitionVersion, Municipality, User
from app.models.municipal_settings import MunicipalitySettingsChange

# the settings in the order the page shows them; "processes" is edited through the API only
AGREEMENT_FIELDS: tuple[str, ...] = (
    "renewal_dialogue_months_before_end", "renewal_deadline_months_before_end", "max_agreement_years",
    "max_yearly_support_sek", "default_payment_interval", "default_repayment_rule", "late_renewal_decision",
    "follow_up_opens_months_before_anniversary", "follow_up_due_months_before_anniversary", "payment_overdue_days",
)
OTHER_FIELDS: tuple[str, ...] = ("reminder_days_before_due", "guidelines_review_on", "retention_years")
SETTING_NAMES: tuple[str, ...] = ("processes", *AGREEMENT_FIELDS, *OTHER_FIELDS)


@dataclass(frozen=True)
class SettingsChange:
    field: str
    old: Any
    new: Any
    changed_at: datetime
    changed_by: str


def settings_problems(session: Session, municipality: Municipality,
                      changes: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with `changes` to the municipality's settings, by setting name ({} if nothing): an unknown
    name, a value out of range or of the wrong kind, a process that is not deployed, and the rules between two
    settings (checked once each alone is right). The messages are SettingsError's, in English."""
    current = settings_of(municipality).to_mapping()
    problems: dict[str, str] = {}
    for name, value in changes.items():
        if name not in SETTING_NAMES:
            problems[name] = f"{name} is no setting; the settings are {', '.join(SETTING_NAMES)}"
            continue
        try:
            MunicipalSettings.from_mapping({**current, name: value})
        except SettingsError as exc:
            problems[exc.field if exc.field == name else name] = str(exc)
    if "processes" in changes and "processes" not in problems:
        named = changes["processes"]
        if not isinstance(named, list):  # null: from_mapping would read it as no process at all
            problems["processes"] = "processes must be a list of process ids"
        elif len(set(named)) != len(named):
            twice = sorted({p for p in named if named.count(p) > 1})
            problems["processes"] = f"processes names a process more than once: {', '.join(twice)}"
        else:
            _check_process_ids(session, municipality, "processes", named, problems)
    retention = changes.get("retention_years")
    if isinstance(retention, dict) and "retention_years" not in problems:
        _check_process_ids(session, municipality, "retention_years", list(retention), problems)
    if not problems:
        try:
            MunicipalSettings.from_mapping({**current, **changes})
        except SettingsError as exc:
            problems[exc.field] = str(exc)
    return problems


def _check_process_ids(session: Session, municipality: Municipality, name: str, process_ids: list[str],
                      problems: dict[str, str]) -> None:
    """The setting `name` may name only deployed processes that no other municipality owns."""
    deployed = set(session.scalars(select(DefinitionVersion.process_id).distinct()))
    missing = [p for p in process_ids if p not in deployed]
    # a process another municipality owns stays its own: offering it would let this one start its cases
    others = [p for p in process_ids if p in deployed
              and ownership.current_owner(session, p) not in (None, municipality.id)]
    if missing:
        problems[name] = f"{name} names processes that are not deployed: {', '.join(missing)}"
    elif others:
        problems[name] = f"{name} names processes another municipality owns: {', '.join(others)}"


def update_settings(session: Session, clock: Clock, actor: User | None, municipality: Municipality,
                    changes: Mapping[str, Any]) -> list[SettingsChange]:
    """Store the changed settings and record each change; SettingsError (naming the first field at fault) if
    they are not valid: check them with `settings_problems` first to tell the user about each."""
    problems = settings_problems(session, municipality, changes)
    if problems:
        name, message = next(iter(problems.items()))
        raise SettingsError(name, message)
    before = settings_of(municipality).to_mapping()
    after = MunicipalSettings.from_mapping({**before, **changes})
    configure(municipality, after)
    now = clock.now()
    who = (actor.display_name or actor.username) if actor is not None else "system"
    made: list[SettingsChange] = []
    for name, value in after.to_mapping().items():
        if value == before.get(name):
            continue
        session.add(MunicipalitySettingsChange(
            municipality_id=municipality.id, changed_at=now, changed_by_id=actor.id if actor else None,
            changed_by_name=who[:200], field=name, old_value=before.get(name), new_value=value))
        made.append(SettingsChange(name, before.get(name), value, now, who))
    session.flush()
    return made


def changes_of(session: Session, municipality_id: int, limit: int = 100) -> list[SettingsChange]:
    """The latest changes to the municipality's settings, newest first."""
    rows = session.scalars(select(MunicipalitySettingsChange)
                           .where(MunicipalitySettingsChange.municipality_id == municipality_id)
                           .order_by(MunicipalitySettingsChange.changed_at.desc(),
                                     MunicipalitySettingsChange.id.desc()).limit(limit))
    return [SettingsChange(r.field, r.old_value, r.new_value, r.changed_at, r.changed_by_name) for r in rows]
