"""Text as the searches compare it: case-folded in Python, so "Å", "ä" and "ß" match as a person expects on
both databases (SQLite's lower() and LIKE fold ASCII letters only; PostgreSQL's ILIKE folds per row, slowly)."""

from __future__ import annotations

SEPARATOR = "\x1f"  # between the parts of a search text: a search never matches across two parts


def folded(text: str) -> str:
    return text.casefold()


def task_search_text(title: str, registration_number: str) -> str:
    """What the inbox search matches in an open task: its title and its case's registration number."""
    return SEPARATOR.join((folded(title), folded(registration_number)))


def case_search_text(registration_number: str, title: str) -> str:
    """What the case list's free-text search matches in a case besides its organisation's name."""
    return SEPARATOR.join((folded(registration_number), folded(title)))


def _literal(query: str) -> str:
    """`query` folded, as the body of a LIKE pattern (escape character backslash): % _ and \\ match themselves,
    the separator is dropped (a search never matches across two parts)."""
    text = folded(query).replace(SEPARATOR, "")
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(query: str) -> str:
    """A LIKE pattern (escape character backslash) matching folded texts that contain `query`."""
    return "%" + _literal(query) + "%"


def prefix_pattern(query: str) -> str:
    """A LIKE pattern (escape character backslash) matching folded texts that begin with `query`."""
    return _literal(query) + "%"
