"""A municipality's settings, typed and validated: what it offers, when it reminds, how its agreements run.

They are stored in the table `municipality_settings` (app/models/municipal_settings.py), one row per
municipality, loaded from config/municipalities/<slug>.json when the database is prepared for a municipality
that has none yet (a stored row is kept: config/ gives only the first settings). Everything reads them
through `settings_of(municipality)`, which returns a `MunicipalSettings`, and stores them with
`configure(municipality, settings)`.

`MunicipalSettings.from_mapping` is the one validation: the config loader uses it, and a page that lets an
administrator edit the settings can use it too (it raises `SettingsError` naming the field at fault).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from app.models import Municipality
from app.models.municipal_settings import MunicipalitySettingsRow

# how often an agreement's yearly amount is paid (app/domain/agreements/payments.py knows their months)
PAYMENT_INTERVALS: tuple[str, ...] = ("yearly", "half_yearly", "quarterly", "lump_sum")
# a renewal decided after the decision deadline: "warn" (recorded and shown) or "refuse"
LATE_RENEWAL_CHOICES: tuple[str, ...] = ("warn", "refuse")
# what an organisation repays when an agreement ends early (app/domain/agreements/repayment.py computes them)
REPAYMENT_RULES: tuple[str, ...] = ("pro_rata", "unspent_year", "none")


GUIDELINES_REVIEW_ON = "03-01"


class SettingsError(ValueError):
    """A setting out of range or of the wrong kind; `field` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


MAX_YEARLY_SUPPORT_SEK = 1_000_000_000


def support_cap_problem(yearly_support_sek: Any, settings: AgreementSettings) -> str | None:
    """The plan's problem (Swedish, for the party and the officer) when its yearly support passes the
    municipality's cap; None without a cap or an amount."""
    cap = settings.max_yearly_support_sek
    try:
        yearly = int(yearly_support_sek or 0)
    except (TypeError, ValueError):
        return None
    if cap <= 0 or yearly <= cap:
        return None
    return (f"Stödet per år är högst {cap:,} kr i kommunens inställningar; planen anger {yearly:,} kr."
            .replace(",", "\u00a0"))


@dataclass(frozen=True)
class AgreementSettings:
    renewal_dialogue_months_before_end: int = 9
    renewal_deadline_months_before_end: int = 3
    max_agreement_years: int = 5
    default_payment_interval: str = "yearly"
    follow_up_opens_months_before_anniversary: int = 2
    follow_up_due_months_before_anniversary: int = 1
    # days after its date (or its release, if later) that an unpaid payment escalates to officer and finance
    payment_overdue_days: int = 10
    # a renewal decided after the decision deadline: "warn" (recorded and shown) or "refuse"
    late_renewal_decision: str = "warn"
    # the repayment rule of an agreement whose process does not ask for one (the economic plan may choose another)
    default_repayment_rule: str = "pro_rata"
    # the most the municipality grants one agreement per year, in kronor; 0: no cap. Checked with the plan,
    # before the decision (handlers/agreements.py check_plan, handlers/kungsbacka.py check_budget)
    max_yearly_support_sek: int = 0

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> AgreementSettings:
        """The settings named in `values` (other keys are ignored), the defaults for the rest; validated."""
        known: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in values:
                known[f.name] = _checked(f.name, values[f.name], type(getattr(cls(), f.name)))
        made = cls(**known)
        made.validate()
        return made

    def validate(self) -> None:
        if self.default_payment_interval not in PAYMENT_INTERVALS:
            raise SettingsError("default_payment_interval",
                                f"default_payment_interval must be one of {', '.join(PAYMENT_INTERVALS)}")
        if not 1 <= self.max_agreement_years <= 10:
            raise SettingsError("max_agreement_years", "max_agreement_years must be between 1 and 10")
        if self.late_renewal_decision not in LATE_RENEWAL_CHOICES:
            raise SettingsError("late_renewal_decision",
                                f"late_renewal_decision must be one of {', '.join(LATE_RENEWAL_CHOICES)}")
        if self.default_repayment_rule not in REPAYMENT_RULES:
            raise SettingsError("default_repayment_rule",
                                f"default_repayment_rule must be one of {', '.join(REPAYMENT_RULES)}")
        if not 0 <= self.max_yearly_support_sek <= MAX_YEARLY_SUPPORT_SEK:
            raise SettingsError("max_yearly_support_sek",
                                f"max_yearly_support_sek must be between 0 (no cap) and {MAX_YEARLY_SUPPORT_SEK}")
        if not 1 <= self.payment_overdue_days <= 365:
            raise SettingsError("payment_overdue_days", "payment_overdue_days must be between 1 and 365")
        for name in ("renewal_dialogue_months_before_end", "renewal_deadline_months_before_end",
                     "follow_up_opens_months_before_anniversary", "follow_up_due_months_before_anniversary"):
            if not 0 <= getattr(self, name) <= 120:
                raise SettingsError(name, f"{name} must be between 0 and 120")
        if self.renewal_deadline_months_before_end > self.renewal_dialogue_months_before_end:
            raise SettingsError("renewal_deadline_months_before_end",
                                "renewal_deadline_months_before_end must not be more than "
                                "renewal_dialogue_months_before_end (the dialogue opens before the decision deadline)")
        if self.follow_up_due_months_before_anniversary > self.follow_up_opens_months_before_anniversary:
            raise SettingsError("follow_up_due_months_before_anniversary",
                                "follow_up_due_months_before_anniversary must not be more than "
                                "follow_up_opens_months_before_anniversary (a follow-up opens before it is due)")

    def to_mapping(self) -> dict[str, Any]:
        return asdict(self)


MAX_RETENTION_YEARS = 100


@dataclass(frozen=True)
class RetentionSettings:
    """Years after closing until a finished case is due for disposal, by process id (`iop archive due`). A
    process not named, or named with None, is kept forever: the default, and what IOP agreements get."""

    years_by_process: tuple[tuple[str, int | None], ...] = ()

    @classmethod
    def from_mapping(cls, values: Any) -> RetentionSettings:
        if values is None:
            return cls()
        if not isinstance(values, dict):
            raise SettingsError("retention_years", "retention_years must map process ids to years (or null)")
        pairs: list[tuple[str, int | None]] = []
        for process_id, years in sorted(values.items()):
            if not isinstance(process_id, str) or not process_id:
                raise SettingsError("retention_years", "retention_years must be keyed by process ids")
            if years is not None:
                _checked("retention_years", years, int)
                if not 1 <= years <= MAX_RETENTION_YEARS:
                    raise SettingsError("retention_years", f"retention_years for {process_id} must be between 1 "
                                                           f"and {MAX_RETENTION_YEARS}, or null (kept forever)")
            pairs.append((process_id, years))
        return cls(tuple(pairs))

    def years_for(self, process_id: str) -> int | None:
        """The years until disposal for cases of the process; None: kept forever."""
        return dict(self.years_by_process).get(process_id)

    def to_mapping(self) -> dict[str, int | None]:
        return dict(self.years_by_process)


@dataclass(frozen=True)
class MunicipalSettings:
    # the process ids the municipality offers (the first is the default when a case is started)
    processes: tuple[str, ...] = ()
    # days before a task's due date that its holder is reminded (app/notifications/reminders.py)
    reminder_days_before_due: int = 2
    agreement: AgreementSettings = field(default_factory=AgreementSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    # the day (MM-DD) of the year after each general election when the process owners are asked to review the
    # municipality's IOP guidelines (app/domain/guidelines.py)
    guidelines_review_on: str = GUIDELINES_REVIEW_ON

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> MunicipalSettings:
        """From the shape of a config file's "settings": the agreement settings sit beside the others."""
        processes = values.get("processes") or []
        if not isinstance(processes, list | tuple) or not all(isinstance(p, str) and p for p in processes):
            raise SettingsError("processes", "processes must be a list of process ids")
        days = _checked("reminder_days_before_due", values.get("reminder_days_before_due", 2), int)
        if not 0 <= days <= 365:
            raise SettingsError("reminder_days_before_due", "reminder_days_before_due must be between 0 and 365")
        review_on = _checked("guidelines_review_on", values.get("guidelines_review_on", GUIDELINES_REVIEW_ON), str)
        review_month_day(review_on)
        return cls(tuple(processes), days, AgreementSettings.from_mapping(values),
                   RetentionSettings.from_mapping(values.get("retention_years")), review_on)

    def to_mapping(self) -> dict[str, Any]:
        return {"processes": list(self.processes), "reminder_days_before_due": self.reminder_days_before_due,
                **self.agreement.to_mapping(), "retention_years": self.retention.to_mapping(),
                "guidelines_review_on": self.guidelines_review_on}


def settings_of(municipality: Municipality) -> MunicipalSettings:
    """The municipality's settings, typed; the defaults until some are stored."""
    row = municipality.settings_row
    if row is None:
        return MunicipalSettings()
    agreement: dict[str, Any] = {f.name: getattr(row, f.name) for f in fields(AgreementSettings)}
    return MunicipalSettings(tuple(row.processes or ()), row.reminder_days_before_due, AgreementSettings(**agreement),
                             RetentionSettings.from_mapping(row.retention_years or {}), row.guidelines_review_on)


def configure(municipality: Municipality, settings: MunicipalSettings) -> None:
    """Store `settings` for the municipality (validated: build them with `MunicipalSettings.from_mapping`)."""
    row = municipality.settings_row
    if row is None:
        row = municipality.settings_row = MunicipalitySettingsRow()
    row.processes = list(settings.processes)
    row.reminder_days_before_due = settings.reminder_days_before_due
    for name, value in settings.agreement.to_mapping().items():
        setattr(row, name, value)
    row.retention_years = settings.retention.to_mapping()
    row.guidelines_review_on = settings.guidelines_review_on


def review_month_day(value: str) -> tuple[int, int]:
    """The (month, day) of a `guidelines_review_on` setting, "MM-DD"; SettingsError if it is no day of a review
    year (those follow an election year, so they are never leap years: 02-29 is refused)."""
    problem = SettingsError("guidelines_review_on", "guidelines_review_on must be a day written MM-DD, e.g. 03-01")
    if len(value) != 5 or value[2] != "-" or not (value[:2].isdigit() and value[3:].isdigit()):
        raise problem
    try:
        date(2027, int(value[:2]), int(value[3:]))
    except ValueError:
        raise problem from None
    return int(value[:2]), int(value[3:])


def _checked(name: str, value: Any, kind: type) -> Any:
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(name, f"{name} must be a whole number")
        return value
    if not isinstance(value, kind):
        raise SettingsError(name, f"{name} must be a {kind.__name__}")
    return value
