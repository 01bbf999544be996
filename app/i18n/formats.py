"""Numbers, amounts and dates the way a reader of the language reads them (Babel's locale data).

Swedish: `12 345,50 kr`, `300 000 kr` (öre only when there are any), dates `2026-11-23` (the Swedish
short form) or `1 juli 2027`; English: `SEK 300,000`, `1 July 2027`. Pages (app.web.formatting) and
mail (app.notifications.texts) use these, so an amount reads the same everywhere.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
CURRENCY = "SEK"


def locale_of(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["sv"])


def as_decimal(value: Any) -> Decimal | None:
    """A number from a number or a text written with spaces or a decimal comma; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\xa0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def number(value: Any, lang: str = "sv") -> str:
    """300000 -> '300 000' (no-break space grouping); text that is not a number is returned as it is."""
    amount = as_decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    return format_decimal(amount, locale=locale_of(lang))


def _currency_pattern(lang: str, whole: bool) -> str:
    pattern = Locale.parse(locale_of(lang)).currency_formats["standard"].pattern
    if whole:
        pattern = pattern.replace(".00", "")
    # CLDR's currency spacing (which Babel leaves out): a symbol of letters is kept apart from the digits
    return pattern.replace("¤#", "¤\xa0#").replace("0¤", "0\xa0¤")


def sek(value: Any, lang: str = "sv") -> str:
    """12345.5 -> '12 345,50 kr', 300000 -> '300 000 kr' (English: 'SEK 300,000'); text that is not a
    number is returned as it is."""
    return _money(value, CURRENCY, lang)


def eur(value: Any, lang: str = "sv") -> str:
    """Euro the same way (state aid is counted in euro): '240 000 €', English '€240,000'."""
    return _money(value, "EUR", lang)


def _money(value: Any, currency: str, lang: str) -> str:
    amount = as_decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    whole = amount == amount.to_integral_value()
    return format_currency(amount, currency, format=_currency_pattern(lang, whole), locale=locale_of(lang),
                           currency_digits=False)


def short_date(day: date, lang: str = "sv") -> str:
    """2026-11-23: the Swedish short date (ISO 8601), used in both languages so a date reads one way."""
    return format_date(day, "short", locale=LOCALES["sv"])


def long_date(day: date, lang: str = "sv") -> str:
    """'1 juli 2027' / '1 July 2027'."""
    return format_date(day, "d MMMM y", locale=locale_of(lang))


def clock_time(moment: time | datetime) -> str:
    """14:05 (24-hour clock, as in Sweden)."""
    return format_time(moment, "HH:mm", locale=LOCALES["sv"])
