"""The gettext catalogues (app/i18n/<lang>/LC_MESSAGES/messages.po): every text is in both languages with the
same placeholders, plurals have their forms, and the compiled .mo files are those of the .po files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from app.i18n import LANGUAGES

CATALOGUES = Path(__file__).resolve().parents[2] / "app" / "i18n"
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
# Texts whose languages deliberately show different values: the incident mail quotes the plain Swedish
# message to Swedish readers and the step and the technical detail to English ones.
DIFFERENT_VALUES = {"mail.incident.body"}


def _po(lang: str) -> Catalog:
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _key(message: Message) -> str:
    return str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)


def _forms(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (str(message.string),)


def _texts(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    return {_key(m): _forms(m) for m in catalog if m.id}


def _names(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def test_every_key_is_translated_in_both_languages() -> None:
    swedish, english = _texts(_po("sv")), _texts(_po("en"))
    assert len(swedish) > 1000
    assert swedish.keys() == english.keys(), set(swedish) ^ set(english)
    for lang, texts in (("sv", swedish), ("en", english)):
        empty = [key for key, forms in texts.items() if not all(form.strip() for form in forms)]
        assert not empty, f"app/i18n/{lang}: untranslated {empty}"


def test_placeholders_are_the_same_in_both_languages() -> None:
    swedish, english = _texts(_po("sv")), _texts(_po("en"))
    for key, forms in swedish.items():
        if key in DIFFERENT_VALUES:
            continue
        names = set().union(*(_names(form) for form in forms))
        for form in english[key]:
            assert _names(form) <= names and (len(forms) > 1 or _names(form) == names), (key, form, names)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_and_no_fuzzy_texts(lang: str) -> None:
    catalog = _po(lang)
    assert catalog.num_plurals == 2
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, _key(message)
        if message.pluralizable:
            assert len(_forms(message)) == 2, _key(message)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    """The committed messages.mo is what `make texts` makes of messages.po (run it after editing a .po)."""
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
        compiled = _texts(read_mo(fh))
    assert compiled == _texts(_po(lang)), "app/i18n/*/LC_MESSAGES/messages.mo is out of date: run `make texts`"
