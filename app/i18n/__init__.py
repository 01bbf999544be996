"""The one text system: pages, mail, the CLI and the simulation word things from the same gettext catalogues.

The catalogues are app/i18n/<lang>/LC_MESSAGES/messages.po (Swedish, the source, and English), compiled
to messages.mo next to them by `make texts` (tests/i18n checks that the compiled files match). Message ids
are symbolic keys (`case_list.count`), so a text can be reworded in both languages without touching code;
the English catalogue carries the Swedish text as a comment for translators. Placeholders are named and
written the str.format way (`{count}`); tests/i18n checks both languages use the same ones.

Nothing here needs Flask: app.web.i18n picks the language of a request and hands it over.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel.messages.mofile import read_mo
from babel.support import NullTranslations, Translations

Language = Literal["sv", "en"]
LANGUAGES: tuple[Language, ...] = ("sv", "en")
DEFAULT: Language = "sv"
DOMAIN = "messages"
CATALOGUES = Path(__file__).resolve().parent


def language(value: str | None) -> Language:
    """A chosen language as one the catalogues have: English if asked for, else Swedish."""
    return "en" if (value or "").strip().lower() == "en" else "sv"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang` (without a fallback: a missing text falls back to Swedish below)."""
    return Translations.load(str(CATALOGUES), [lang], DOMAIN)


@cache
def _keys(lang: str) -> tuple[str, ...]:
    path = CATALOGUES / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not path.exists():
        return ()
    with path.open("rb") as fh:
        return tuple(str(m.id[0] if isinstance(m.id, (tuple, list)) else m.id) for m in read_mo(fh) if m.id)


def texts_under(prefix: str, lang: str = DEFAULT) -> dict[str, str]:
    """Every singular text whose key starts with `prefix`, keyed without it (Swedish where `lang` lacks one):
    a family of messages looked up by a code (`validation.required`). A fresh dict each call (the caller may
    change it) from the family found once per prefix and language: the catalogues do not change while running."""
    return dict(_family(prefix, lang))


@cache
def _family(prefix: str, lang: str) -> tuple[tuple[str, str], ...]:
    keys = {key for code in {DEFAULT, lang} for key in _keys(code) if key.startswith(prefix)}
    return tuple((key.removeprefix(prefix), _lookup(key, lang)) for key in sorted(keys))


def _lookup(key: str, lang: str) -> str:
    text = translations(lang).gettext(key)
    if text == key and lang != DEFAULT:
        text = translations(DEFAULT).gettext(key)
    return text


def translate(key: str, lang: str = DEFAULT, **values: Any) -> str:
    """The text of `key` in `lang` (Swedish when `lang` lacks it, the key itself when no catalogue has it),
    with `values` put into its `{name}` placeholders."""
    text = _lookup(key, lang)
    return text.format(**values) if values else text


def plural(key: str, n: int, lang: str = DEFAULT, **values: Any) -> str:
    """The form of `key` that goes with the number `n` (gettext's ngettext: "1 ärende", "2 ärenden"), with
    `values` put into its placeholders; `{count}` is `n` unless `values` gives it another way of writing."""
    text = translations(lang).ngettext(key, key, n)
    if text == key and lang != DEFAULT:
        text = translations(DEFAULT).ngettext(key, key, n)
    return text.format(**({"count": n} | values))
