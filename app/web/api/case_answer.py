"""The answer of every endpoint that returns one case: the case as the caller may see it (app.domain.visibility),
with the secret values it showed logged and committed."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.models import Case
from app.web.api.common import caller, text_language
from app.web.api.views import case_detail
from app.web.context import commit, db, services


def case_answer(case: Case, status: int = 200) -> Any:
    body = case_detail(db(), services().engine, case, services().clock.now(), text_language(), caller())
    commit()  # the log of secret values shown (secret_views)
    return jsonify(body), status
