"""The Flask side of the text system (app.i18n): which language a request is in, and Flask-Babel.

Swedish by default; `?lang=en` on a request or the language kept in the session picks English.
Flask-Babel's locale selector answers with the same choice, so its `gettext`/`ngettext` (and the
Jinja `_`) read the same catalogues as `translate` and `plural` below.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, session
from flask_babel import Babel

from app import i18n
from app.i18n import LANGUAGES, Language

__all__ = ["LANGUAGES", "current_language", "init_app", "plural", "translate"]


def current_language() -> Language:
    """`?lang=` of the request, else the session's language, else Swedish. A page asks this for every text it
    writes, so the answer is kept for the request, with the session's value it came from (a log-in or a change of
    language during the request changes the answer)."""
    if not request:
        return i18n.DEFAULT
    kept = session.get("lang")
    cached = g.get("_language")
    if cached is not None and cached[0] == kept:
        return cached[1]
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        found = i18n.language(lang)
    else:
        found = i18n.language(kept) if kept in LANGUAGES else i18n.DEFAULT
    g._language = (kept, found)
    return found


def translate(key: str, lang: str | None = None, **values: Any) -> str:
    return i18n.translate(key, lang or current_language(), **values)


def plural(key: str, count: int, lang: str | None = None, **values: Any) -> str:
    return i18n.plural(key, count, lang or current_language(), **values)


def init_app(app: Flask) -> None:
    """Flask-Babel over app/i18n, the locale chosen per request as above."""
    Babel(app, locale_selector=current_language, default_domain=i18n.DOMAIN,
          default_translation_directories=str(i18n.CATALOGUES))
