"""Service-task handlers for Kungsbacka's preparation (processes/kungsbacka_agreement.bpmn); the running
agreement uses the shared agreement cycle (handlers/agreements.py).

Like the agreement handlers, each takes the step's context and one parameter `args` and returns JSON text.
The rules are in app/domain/kungsbacka.py.
"""

from __future__ import annotations

import json
from typing import Any

from app.core.municipal_settings import AgreementSettings, settings_of, support_cap_problem
from app.domain import kungsbacka
from app.engine.step import StepContext
from app.models import User


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def initiative(step: StepContext | None, args: dict[str, Any]) -> str:
    """Who took the initiative, from who started the case: staff (the officer, on the municipality's behalf)
    or the organisation. Without a running case (a throwaway run looking for the start form) the organisation."""
    role = None
    if step is not None and step.case.created_by_id is not None:
        starter = step.session.get(User, step.case.created_by_id)
        role = str(starter.role) if starter is not None else None
    return _json({"by": kungsbacka.initiative_by(role)})


def check_budget(step: StepContext | None, args: dict[str, Any]) -> str:
    settings = AgreementSettings()
    if step is not None and step.case.municipality is not None:
        settings = settings_of(step.case.municipality).agreement
    found = kungsbacka.budget(args, settings.max_agreement_years)
    capped = support_cap_problem(args.get("yearly_support_sek"), settings)
    if capped:
        found["problems"].append(capped)
        found.update(ok=False, message=" ".join(found["problems"]))
    return _json(found)


def check_criteria(step: StepContext | None, args: dict[str, Any]) -> str:
    return _json(kungsbacka.criteria_result(args))


def check_prerequisites(step: StepContext | None, args: dict[str, Any]) -> str:
    return _json(kungsbacka.prerequisites_result(args))
