"""Swedish by default, English selectable.

Texts live in app/i18n/<lang>/*.json (one file per area of the app), keyed by short ids; the files of
one language are merged.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import request, session

LANGUAGES = ("sv", "en")
_DIR = Path(__file__).resolve().parent.parent / "i18n"


@lru_cache(maxsize=4)
def _catalog(lang: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.json")):
        data.update(json.loads(path.read_text(encoding="utf-8")))
    return data


def current_language() -> str:
    lang = request.args.get("lang") if request else None
    if lang in LANGUAGES:
        return lang
    stored = session.get("lang")
    return stored if stored in LANGUAGES else "sv"


def translate(key: str, lang: str | None = None, **values: Any) -> str:
    lang = lang or current_language()
    text = _catalog(lang).get(key) or _catalog("sv").get(key) or key
    return text.format(**values) if values else text
