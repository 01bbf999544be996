"""Roles (`Role`, defined with the models whose role columns are typed with it), the named sets of them, and
how a diagram's lane names map to them."""

from __future__ import annotations

from app.models.enums import Role

ROLES: tuple[Role, ...] = tuple(Role)
# the municipality's staff (everyone but the organisation and the administrator)
STAFF_ROLES: tuple[Role, ...] = (Role.LAWYER, Role.OFFICER, Role.BOARD, Role.FINANCE, Role.PROCESS_OWNER)
# roles that belong to one municipality (an account with one of them names it)
MUNICIPAL_ROLES: tuple[Role, ...] = STAFF_ROLES
# staff an identity provider may grant: every role but the organisation's
PROVIDER_ROLES: tuple[Role, ...] = tuple(role for role in ROLES if role != Role.ORGANISATION)
# who works with payments: the finance pages and GET /api/v1/payments
PAYMENT_ROLES: tuple[Role, ...] = (Role.FINANCE, Role.OFFICER, Role.ADMIN)
# who may open /agreements/upcoming and its calendar feed
UPCOMING_ROLES: tuple[Role, ...] = (Role.OFFICER, Role.BOARD, Role.FINANCE, Role.ADMIN)
# who may open /decisions/delegated and report delegated decisions to the committee (its secretary: the board role)
DELEGATION_ROLES: tuple[Role, ...] = (Role.OFFICER, Role.BOARD, Role.ADMIN)
# who may upload and publish process definitions
PROCESS_ROLES: tuple[Role, ...] = (Role.PROCESS_OWNER, Role.ADMIN)

# Lane names a process owner may use (compared case-insensitively), in English and Swedish.
LANE_ALIASES: dict[str, str] = {
    "organisation": "organisation", "organization": "organisation", "idéburen organisation": "organisation",
    "organisationen": "organisation", "förening": "organisation",
    "lawyer": "lawyer", "city lawyer": "lawyer", "stadsjurist": "lawyer", "jurist": "lawyer",
    "stadsjurister": "lawyer",
    "officer": "officer", "department officer": "officer", "handläggare": "officer", "förvaltning": "officer",
    "board": "board", "committee": "board", "nämnd": "board", "kommunstyrelsen": "board", "styrelse": "board",
    "finance": "finance", "ekonomi": "finance",
    "process owner": "process_owner", "process_owner": "process_owner", "processägare": "process_owner",
    "admin": "admin", "administratör": "admin",
}

ROLE_TITLES: dict[str, dict[str, str]] = {
    "organisation": {"sv": "Idéburen organisation", "en": "Organisation"},
    "lawyer": {"sv": "Stadsjurist", "en": "City lawyer"},
    "officer": {"sv": "Handläggare", "en": "Department officer"},
    "board": {"sv": "Nämnd/kommunstyrelse", "en": "Committee/board"},
    "finance": {"sv": "Ekonomi", "en": "Finance"},
    "process_owner": {"sv": "Processägare", "en": "Process owner"},
    "admin": {"sv": "Administratör", "en": "Administrator"},
}


def role_for_lane(lane: str | None) -> str | None:
    if not lane:
        return None
    return LANE_ALIASES.get(lane.strip().lower())
