"""Catalogue keys that reach a page: a text the catalogues (app/i18n/<lang>/LC_MESSAGES/messages.po) did not have is
shown as its key, e.g. `answers.statistic`. `shown_keys(text)` finds such words in a page's text
(whether or not any catalogue has that key yet)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUES = Path(__file__).resolve().parents[1] / "app" / "i18n"
_DOTTED = re.compile(r"(?<![\w.@/:-])([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?![\w@/-])")
_FILE_ENDINGS = {"pdf", "doc", "docx", "odt", "ods", "xls", "xlsx", "csv", "txt", "png", "jpg", "jpeg", "ics",
                 "json", "bpmn", "html", "xml", "zip", "se", "org", "com", "io", "nu"}


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Key -> text of a language's catalogue (a plural's first form)."""
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        messages = read_po(fh, locale=lang)
    def first(value: object) -> str:
        return str(value[0] if isinstance(value, (tuple, list)) else value)
    return {first(m.id): first(m.string) for m in messages if m.id}


def shown_keys(text: str) -> list[str]:
    """Dotted lower-case words in `text` shaped like catalogue keys (`answers.statistic`,
    `agreement.payment.held`): a first part of three letters or more, the others of two or more, so
    Swedish abbreviations (t.ex., bl.a., fr.o.m.), numbers, file names and web addresses are not counted."""
    found = []
    for match in _DOTTED.finditer(text):
        word = match.group(1).rstrip(".")
        parts = word.split(".")
        if len(parts) < 2 or parts[-1] in _FILE_ENDINGS:
            continue
        if len(parts[0]) >= 3 and parts[0].isalpha() and all(len(p) >= 2 for p in parts[1:]):
            found.append(word)
    return found
