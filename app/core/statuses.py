"""The statuses a case, an agreement and its records move through.

Each is a `StrEnum`: a member is the very string the database, the API JSON and the workflow data carry
("running" == CaseStatus.RUNNING), so stored values do not change. They are defined in app/models/enums.py,
below the models whose status columns are typed with them; import them from here.
"""

from __future__ import annotations

from app.models.enums import AgreementStatus, CaseStatus, ClaimStatus, FollowUpStatus, MigrationStatus, PaymentStatus

__all__ = ["AgreementStatus", "CaseStatus", "ClaimStatus", "FollowUpStatus", "MigrationStatus", "PaymentStatus"]
