"""Typed SQLAlchemy 2.0 models. Import from here."""

import app.models.agreement  # noqa: F401  (agreement projections: import them from app.models.agreement)
import app.models.agreement_template  # noqa: F401  (agreement document templates: import from app.models.agreement_template)
import app.models.archive  # noqa: F401  (archive exports, disposal decisions: import from app.models.archive)
import app.models.calendar_feed  # noqa: F401  (personal calendar feed links: import from app.models.calendar_feed)
import app.models.clock  # noqa: F401  (the stored manual clock: import from app.models.clock)
import app.models.delegation  # noqa: F401  (decisions under delegation: import from app.models.delegation)
import app.models.draft  # noqa: F401  (task form drafts: import from app.models.draft)
import app.models.guidelines  # noqa: F401  (guideline reviews: import from app.models.guidelines)
import app.models.identity  # noqa: F401  (OpenID Connect identities: import from app.models.identity)
import app.models.overview_figures  # noqa: F401  (the overview's stored figures: import from app.models.overview_figures)
import app.models.saved_filter  # noqa: F401  (saved case-list filters: import from app.models.saved_filter)
import app.models.scheduler_heartbeat  # noqa: F401  (scheduler heartbeats: import from app.models.scheduler_heartbeat)
import app.models.secret_view  # noqa: F401  (the log of secret values viewed: import from app.models.secret_view)
import app.models.state_aid  # noqa: F401  (state aid granted, de minimis: import from app.models.state_aid)
from app.models.case import Case, RegistrationCounter
from app.models.definition import DefinitionVersion
from app.models.event import CaseEvent
from app.models.files import Attachment
from app.models.migration import CaseMigration
from app.models.notification import Notification
from app.models.people import Membership, Municipality, Organisation, User
from app.models.register import Direction, DocumentKind, RegisteredDocument
from app.models.session import LoginAttempt, LoginSession
from app.models.task import OpenTask

__all__ = [
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseMigration",
    "DefinitionVersion",
    "Direction",
    "DocumentKind",
    "LoginAttempt",
    "LoginSession",
    "Notification",
    "Membership",
    "Municipality",
    "OpenTask",
    "Organisation",
    "RegisteredDocument",
    "RegistrationCounter",
    "User",
]
