"""Numbers, amounts and dates as a Swedish reader reads them (Babel; the page language picks the locale)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "sv_SE")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).replace(" ", "").replace("\xa0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, lang: str = "sv") -> str:
    """300000 -> '300 000' (no-break space grouping); text that is not a number is returned as it is."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    return format_decimal(amount, locale=_locale(lang))


def sek(value: Any, lang: str = "sv") -> str:
    """300000 -> '300 000 kr' (whole kronor; öre shown only when there are any)."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    shown = format_decimal(amount, format="#,##0.##", locale=_locale(lang))
    return f"{shown}\xa0kr" if lang == "sv" else f"SEK\xa0{shown}"


def as_date(value: Any) -> date | None:
    """A date from a date, a datetime (taken in Stockholm time) or an ISO text; None otherwise."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))
        return moment.astimezone(STOCKHOLM).date()
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
    return format_date(shown, "d MMMM y", locale=_locale(lang))


def is_amount(name: str, prop: dict[str, Any] | None) -> bool:
    """A field holds kronor when its name ends in _sek or its schema says x-unit SEK."""
    return name.endswith("_sek") or str((prop or {}).get("x-unit", "")).upper() == "SEK"
