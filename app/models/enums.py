"""The enumerations the tables store: a case's, an agreement's and its records' statuses, and a person's role.

Each is a `StrEnum`: a member is the very string the database, the API JSON and the workflow data carry
("running" == CaseStatus.RUNNING), so stored values do not change. They live with the models because the
columns are typed with them (app/models/types.py `StrEnumColumn`); the rest of the code imports them from
app.core.statuses and app.core.roles (with the named role sets and the lane names).
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"  # stopped on an error (app.engine.incidents), until retried
    SUSPENDED = "suspended"  # paused by an administrator
    CANCELLED = "cancelled"  # stopped for good by an administrator


class AgreementStatus(StrEnum):
    RUNNING = "running"
    TERMINATED = "terminated"  # ended early, with a repayment claim
    ENDED = "ended"  # ran to its end without renewal


class PaymentStatus(StrEnum):
    """Only moves forward, in this order (the projection merges copies by the most advanced)."""

    PLANNED = "planned"
    HELD = "held"  # its gating follow-up was not approved on its date
    RELEASED = "released"
    PAID = "paid"
    CANCELLED = "cancelled"


class FollowUpStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class ClaimStatus(StrEnum):
    """A repayment claim after an early termination."""

    OPEN = "open"
    SETTLED = "settled"


class MigrationStatus(StrEnum):
    """A case moved to another process version, and whether that was undone."""

    APPLIED = "applied"
    REVERTED = "reverted"


class Role(StrEnum):
    """A person's role. The value is what the database, the API and the pages carry."""

    ORGANISATION = "organisation"
    LAWYER = "lawyer"
    OFFICER = "officer"
    BOARD = "board"
    FINANCE = "finance"
    PROCESS_OWNER = "process_owner"
    ADMIN = "admin"
