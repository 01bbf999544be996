"""Swedish organisation numbers (organisationsnummer): NNNNNN-NNNN with a Luhn check digit."""

from __future__ import annotations

import re

_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")


class InvalidOrgNumber(ValueError):
    pass


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def normalise_org_number(text: str) -> str:
    """Return NNNNNN-NNNN, or raise InvalidOrgNumber with a message saying what is wrong."""
    raw = (text or "").strip().replace(" ", "")
    match = _PATTERN.match(raw)
    if not match:
        raise InvalidOrgNumber("an organisation number has ten digits, written NNNNNN-NNNN")
    digits = match.group(1) + match.group(2)
    if not luhn_ok(digits):
        raise InvalidOrgNumber(f"{match.group(1)}-{match.group(2)} has a wrong check digit")
    return f"{match.group(1)}-{match.group(2)}"


def with_check_digit(nine_digits: str) -> str:
    """Complete nine digits with their check digit: for demo data and tests."""
    for last in "0123456789":
        if luhn_ok(nine_digits + last):
            return f"{nine_digits[:6]}-{nine_digits[6:]}{last}"
    raise ValueError(nine_digits)
