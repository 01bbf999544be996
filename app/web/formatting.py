"""Numbers, amounts and dates on pages: app.i18n.formats (Babel) in the page's language, and dates as stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.core.calendar import zone
from app.i18n.formats import long_date, number, sek

__all__ = ["as_date", "day", "is_amount", "number", "sek"]


def as_date(value: Any) -> date | None:
    """A date from a date, a datetime (taken in the installation's time zone, IOP_TIMEZONE) or an ISO text; None
    otherwise."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
        return moment.astimezone(zone()).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
            return as_date(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def day(value: Any, lang: str = "sv") -> str:
    """2027-07-01 -> '1 juli 2027'; anything that is not a date is returned as text, nothing as '–'."""
    shown = as_date(value)
    if shown is None:
        return "–" if value in (None, "") else str(value)
    return long_date(shown, lang)


def is_amount(name: str, prop: dict[str, Any] | None) -> bool:
    """A field holds kronor when its name ends in _sek or its schema says x-unit SEK."""
    return name.endswith("_sek") or str((prop or {}).get("x-unit", "")).upper() == "SEK"
