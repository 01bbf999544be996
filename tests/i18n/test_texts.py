"""The text system without Flask: lookups, fallbacks, plurals and the Swedish ways of writing amounts and dates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app.i18n import language, plural, texts_under, translate
from app.i18n.formats import clock_time, long_date, number, sek, short_date

NBSP = "\xa0"


def test_translate_fills_placeholders_and_falls_back() -> None:
    assert translate("mail.due_line", "sv", when="2026-11-23") == "Sista dag: 2026-11-23"
    assert translate("mail.due_line", "en", when="2026-11-23") == "Due: 2026-11-23"
    assert translate("no.such.key", "en") == "no.such.key"
    assert translate("mail.due_line", "de", when="x") == "Sista dag: x"  # a language without a catalogue
    assert language("EN") == "en" and language(None) == "sv" and language("fi") == "sv"


def test_plural_picks_the_form_for_the_number() -> None:
    assert plural("case_list.count", 1, "sv") == "1 ärende"
    assert plural("case_list.count", 2, "sv") == "2 ärenden"
    assert plural("case_list.count", 0, "en") == "0 cases"
    assert plural("case_list.count", 1, "en") == "1 case"
    assert plural("case_list.count", 1200, "sv", count="1 200") == "1 200 ärenden"


def test_a_family_of_texts_by_code() -> None:
    swedish, english = texts_under("validation.", "sv"), texts_under("validation.", "en")
    assert swedish.keys() == english.keys() and "required" in swedish and swedish["required"] != english["required"]


def test_swedish_amounts_and_numbers() -> None:
    assert sek(Decimal("12345.50")) == f"12{NBSP}345,50{NBSP}kr"
    assert sek(300000) == f"300{NBSP}000{NBSP}kr" and sek("300 000") == f"300{NBSP}000{NBSP}kr"
    assert sek(300000, "en") == f"SEK{NBSP}300,000" and sek("12345,5", "en") == f"SEK{NBSP}12,345.50"
    assert sek("ingen siffra") == "ingen siffra" and sek(None) == ""
    assert number(1234567) == f"1{NBSP}234{NBSP}567" and number("1234,5") == f"1{NBSP}234,5"


def test_swedish_dates_and_times() -> None:
    assert short_date(date(2026, 11, 3)) == "2026-11-03" == short_date(date(2026, 11, 3), "en")
    assert long_date(date(2027, 7, 1)) == "1 juli 2027" and long_date(date(2027, 7, 1), "en") == "1 July 2027"
    assert clock_time(datetime(2026, 1, 1, 9, 5)) == "09:05"
