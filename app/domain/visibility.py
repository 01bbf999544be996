"""Who sees what of a case: the one policy every output path asks (case page, task page, portal, API, exports).

A viewer stands to a case as its **party** (a user of the organisation the case belongs to), as **staff** (a
user of the municipality's staff, an administrator) or not at all (permissions.can_view_case). For that viewer:

- **History events** by kind (`EVENT_AUDIENCE`): the party sees what was received and decided (the case
  started, forms submitted, messages, feedback, the case ended or was cancelled, escalations that name the
  organisation); the rest (claims, assignments, timers, incidents and repairs, version migrations, late-decision
  notes, and any kind not listed) is for staff. The party sees only the listed data of an event
  (`PARTY_DATA`), never an administrator's reason or technical detail.
- **Form fields** by the rule their form declares (app.engine.field_rules): `party`, `staff`, named roles,
  a moment at which a field reaches the party (`x-party-when`), and secrecy (`x-secret`): a secret value is
  shown only to the roles named and masked for everyone else who may see the field ("Sekretess: <ground>");
  every view by a named role is logged in `secret_views`.

`CaseView(user, case, definition)` answers for one viewer and case; what it showed of secret values is written
by `log_secret_views` in the caller's transaction. Feedback (`case.feedback`) is what the diagram sends to the
organisation (`feedbackField`); validation makes sure a task's feedback field is a party field and no feedback
field is secret (app.engine.validation.tasks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from app.core.roles import Role
from app.core.statuses import CaseStatus
from app.domain import permissions
from app.engine.definitions import ProcessDefinition
from app.engine.field_rules import CASE_CLOSED, OUTCOME_PREFIX, PARTY, STAFF, FieldRule, field_rule
from app.models import Attachment, Case, CaseEvent, Direction, DocumentKind, RegisteredDocument, User
from app.models.secret_view import SecretView

MASK_WORD = "Sekretess"


class Standing(Enum):
    PARTY = "party"
    STAFF = "staff"
    NONE = "none"


# Who sees each kind of history event. Kinds not listed are for staff only.
PARTY_KIND = "party"
PARTY_IF_NAMED = "party_if_named"  # escalations: when the diagram names the organisation among the roles told
EVENT_AUDIENCE: dict[str, str] = {
    "case_started": PARTY_KIND,
    "task_completed": PARTY_KIND,
    "message": PARTY_KIND,
    "feedback": PARTY_KIND,
    "case_completed": PARTY_KIND,
    "case_cancelled": PARTY_KIND,
    "escalation": PARTY_IF_NAMED,
    "task_claimed": STAFF,
    "task_unclaimed": STAFF,
    "task_assigned": STAFF,
    "timer_fired": STAFF,
    "timer_moved": STAFF,
    "incident": STAFF,
    "case_retried": STAFF,
    "step_skipped": STAFF,
    "case_suspended": STAFF,
    "case_resumed": STAFF,
    "migrated": STAFF,
    "migration_reverted": STAFF,
    "late_renewal_decision": STAFF,
    "decision_reported": STAFF,  # a delegated decision reported to the committee (app.domain.delegation)
    "case_disposed": STAFF,  # documents disposed of under a retention decision (app.domain.archive)
}
# The data of an event the party sees (task_completed: its values, each field by its rule).
PARTY_DATA: dict[str, tuple[str, ...]] = {
    "case_started": ("registration_number",),
    "task_completed": ("form", "values"),
    "message": ("message", "payload"),
    "feedback": ("text",),
    "case_completed": ("outcome",),
    "case_cancelled": (),
    "escalation": ("roles", "due"),
}


def standing(user: User, case: Case) -> Standing:
    if not permissions.can_view_case(user, case):
        return Standing.NONE
    return Standing.PARTY if user.role == Role.ORGANISATION else Standing.STAFF


class Masked(str):
    """A secret value's stand-in (a str: JSON, CSV and templates take it as text; pages mark it as secret)."""

    __slots__ = ()


def masked(ground: str) -> Masked:
    """What stands in place of a secret value for those the form does not name."""
    return Masked(f"{MASK_WORD}: {ground}")


def event_visible(user: User, case: Case, event: CaseEvent) -> bool:
    who = standing(user, case)
    if who == Standing.STAFF:
        return True
    if who == Standing.NONE:
        return False
    audience = EVENT_AUDIENCE.get(event.kind, STAFF)
    if audience == PARTY_IF_NAMED:
        return Role.ORGANISATION in ((event.data or {}).get("roles") or [])
    return audience == PARTY_KIND


class FieldView(Enum):
    SHOW = "show"
    MASK = "mask"
    HIDE = "hide"


def _party_moment_reached(case: Case, when: str | None) -> bool:
    if when is None:
        return False
    if when == CASE_CLOSED:
        return case.status in (CaseStatus.COMPLETED, CaseStatus.CANCELLED)
    if when.startswith(OUTCOME_PREFIX):
        outcomes = {part.strip() for part in when[len(OUTCOME_PREFIX):].split(",")}
        return case.status == CaseStatus.COMPLETED and case.outcome in outcomes
    return False


def field_view(user: User, case: Case, rule: FieldRule) -> FieldView:
    """Whether `user` sees a field with `rule` on `case` now: shown, masked (secret) or left out."""
    who = standing(user, case)
    if who == Standing.NONE:
        return FieldView.HIDE
    audience = rule.audience
    if who == Standing.PARTY:
        reaches = audience.kind == PARTY or Role.ORGANISATION in audience.roles \
            or _party_moment_reached(case, rule.party_when)
    elif audience.kind == "roles":
        reaches = user.role in audience.roles
    else:
        reaches = True  # party and staff fields: every member of the municipality's staff
    if not reaches:
        return FieldView.HIDE
    if rule.secret is not None and user.role not in rule.secret.roles:
        return FieldView.MASK
    return FieldView.SHOW


@dataclass
class ShownSecret:
    event_id: int | None
    form: str
    field: str
    ground: str


@dataclass
class CaseView:
    """What one viewer sees of one case; `secrets_shown` collects the secret values shown, to be logged."""
    user: User
    case: Case
    definition: ProcessDefinition
    secrets_shown: list[ShownSecret] = field(default_factory=list)

    @property
    def standing(self) -> Standing:
        return standing(self.user, self.case)

    def _task_role(self, task_name: str | None) -> str | None:
        info = self.definition.element(task_name) if task_name else None
        return info.role if info is not None else None

    def rule(self, form_name: str | None, name: str, task_name: str | None = None) -> FieldRule:
        return field_rule(self.definition.form(form_name), name, self._task_role(task_name))

    def values(self, form_name: str | None, task_name: str | None, values: dict[str, Any],
               event_id: int | None = None) -> dict[str, Any]:
        """The submitted values this viewer sees: hidden fields left out, secret ones masked."""
        shown: dict[str, Any] = {}
        for name, value in values.items():
            rule = self.rule(form_name, name, task_name)
            view = field_view(self.user, self.case, rule)
            if view == FieldView.HIDE:
                continue
            if view == FieldView.MASK:
                assert rule.secret is not None
                shown[name] = masked(rule.secret.ground)
                continue
            if rule.secret is not None:
                self.secrets_shown.append(ShownSecret(event_id, form_name or "", name, rule.secret.ground))
            shown[name] = value
        return shown

    def event(self, event: CaseEvent) -> bool:
        return event_visible(self.user, self.case, event)

    def register_row(self, row: RegisteredDocument, attachment: Attachment | None) -> bool:
        """Whether the viewer is shown a row of the case's register. Staff see every row. The party sees what it
        sent and what was sent to it, decisions, the agreement and reports; a stored file only where it sees
        that file's field; the staff's own working documents (a lawyer's assessment, a suitability assessment)
        once the case is closed, when the whole case is open to it."""
        who = self.standing
        if who != Standing.PARTY:
            return who == Standing.STAFF
        if attachment is not None:
            return self.attachment_visible(attachment.field)
        if row.direction in (Direction.INCOMING, Direction.OUTGOING):
            return True
        if row.kind in (DocumentKind.DECISION, DocumentKind.AGREEMENT, DocumentKind.REPORT):
            return True
        return _party_moment_reached(self.case, CASE_CLOSED)

    def event_data(self, event: CaseEvent) -> dict[str, Any]:
        """The event's data as this viewer may see it (call only for visible events)."""
        data = dict(event.data or {})
        if self.standing == Standing.PARTY:
            data = {k: v for k, v in data.items() if k in PARTY_DATA.get(event.kind, ())}
        if event.kind == "task_completed" and isinstance(data.get("values"), dict):
            data["values"] = self.values(data.get("form"), event.task_name, data["values"], event.id)
        return data

    def events(self, events: Iterable[CaseEvent]) -> list[CaseEvent]:
        return [e for e in events if self.event(e)]

    def attachment_visible(self, field_name: str) -> bool:
        """A stored file of a form field: seen by whoever sees (unmasked) that field in every form that has it."""
        forms = [name for name, schema in self.definition.forms.items()
                 if field_name in ((schema or {}).get("properties") or {})]
        if not forms:
            return True  # files sent outside a form's field (the API's default "attachments")
        for form_name in forms:
            task_name = next((bpmn_id for bpmn_id in self.definition.elements
                              if self.definition.form_name_for(bpmn_id) == form_name), None)
            if field_view(self.user, self.case, self.rule(form_name, field_name, task_name)) != FieldView.SHOW:
                return False
        return True


def log_secret_views(session: Session, now: datetime, view: CaseView, channel: str) -> int:
    """One row per secret value `view` showed (each value once per call); returns the count."""
    seen: set[tuple[int | None, str, str]] = set()
    for shown in view.secrets_shown:
        key = (shown.event_id, shown.form, shown.field)
        if key in seen:
            continue
        seen.add(key)
        session.add(SecretView(at=now, user_id=view.user.id,
                               username=view.user.display_name or view.user.username, role=str(view.user.role),
                               case_id=view.case.id, event_id=shown.event_id, form=shown.form, field=shown.field,
                               ground=shown.ground, channel=channel))
    view.secrets_shown.clear()
    return len(seen)


__all__ = ["EVENT_AUDIENCE", "CaseView", "FieldView", "Masked", "Standing", "event_visible", "field_view",
           "log_secret_views", "masked", "standing"]
