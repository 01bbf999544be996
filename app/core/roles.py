"""Roles, and how a diagram's lane names map to them."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("organisation", "lawyer", "officer", "board", "finance", "process_owner", "admin")

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
